"""Command-line tasks: `flask --app app <command>`."""
import click
from flask import Flask

from registry.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(init_data)
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_outbox)


def load_reference_data() -> dict[str, int]:
    """Insert or update districts, genetic resources, targets, agencies and plan tasks by code.
    Idempotent: running it again changes nothing that is already right."""
    from registry.models import Agency, District, GeneticResource, PlanTask, Target
    from registry.models.reference import plan_task_agencies
    from registry.reference_data.basics import DISTRICTS, GENETIC_RESOURCES, TARGETS
    from registry.reference_data.plan import AGENCIES, PLAN_TASKS

    def upsert(model, rows, **extra_by_row):
        existing = {row.code: row for row in db.session.scalars(db.select(model))}
        created = 0
        for order, data in enumerate(rows):
            row = existing.get(data["code"])
            if row is None:
                row = model(code=data["code"])
                db.session.add(row)
                created += 1
                # Admins may edit reference rows later; only new rows take the seed's values.
                for key, value in data.items():
                    setattr(row, key, value)
                if hasattr(model, "sort_order"):
                    row.sort_order = order
        return created

    counts = {
        "districts": upsert(District, DISTRICTS),
        "genetic_resources": upsert(GeneticResource, GENETIC_RESOURCES),
        "targets": upsert(Target, TARGETS),
        "agencies": upsert(Agency, AGENCIES),
    }
    task_rows = [{k: v for k, v in t.items() if k not in ("lead", "coordinating")} for t in PLAN_TASKS]
    counts["plan_tasks"] = upsert(PlanTask, task_rows)
    db.session.flush()
    agencies = {a.code: a.id for a in db.session.scalars(db.select(Agency))}
    tasks = {t.code: t.id for t in db.session.scalars(db.select(PlanTask))}
    links = {tuple(r) for r in db.session.execute(db.select(plan_task_agencies))}
    for task in PLAN_TASKS:
        for role in ("lead", "coordinating"):
            for code in task[role]:
                link = (tasks[task["code"]], agencies[code], role)
                if link not in links:
                    db.session.execute(plan_task_agencies.insert().values(
                        task_id=link[0], agency_id=link[1], role=role))
    db.session.commit()
    return counts


@click.command("init-data")
def init_data():
    """Load the reference data (districts, genetic resources, targets, plan tasks)."""
    counts = load_reference_data()
    click.echo("Reference data: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["applicant", "reviewer", "admin", "agency"]), required=True)
@click.option("--password", required=True)
@click.option("--organization", "organization_name", default=None, help="Organisation name (created if new).")
@click.option("--name", "full_name", default="", help="Full name.")
def create_user(email, role, password, organization_name, full_name):
    """Create a user account."""
    from registry.models import Organization
    from registry.services.accounts import create_user as create
    from registry.services.errors import ValidationFailed

    organization = None
    if organization_name:
        organization = db.session.scalar(db.select(Organization).filter_by(name=organization_name))
        if organization is None:
            organization = Organization(name=organization_name, org_type="other")
            db.session.add(organization)
    try:
        user = create(email, password, role, full_name=full_name, organization=organization)
    except ValidationFailed as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            click.echo(f"{field}: {' '.join(messages)}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("create-token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token(email, name):
    """Create an API token for a user and print it (it is shown only once)."""
    from registry.services.accounts import find_user_by_email
    from registry.services.tokens import create_token as create

    user = find_user_by_email(email)
    if user is None:
        click.echo(f"No user with the e-mail address {email}.", err=True)
        raise SystemExit(1)
    _token, secret = create(user, name)
    db.session.commit()
    click.echo(secret)


@click.command("seed-demo")
@click.option("--count", default=60, show_default=True, help="How many applications to create.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has applications.")
def seed_demo(count, if_empty):
    """Fill the database with realistic synthetic applications and demo accounts."""
    from registry.demo import seed

    from registry.models import Application
    if if_empty and db.session.scalar(db.select(db.func.count(Application.id))):
        click.echo("The database already has applications; demo data not loaded.")
        return
    summary = seed(count)
    click.echo(summary)


@click.command("send-outbox")
def send_outbox():
    """Send the e-mails waiting in the outbox (when SMTP is configured)."""
    from registry.services.mail import deliver_outbox

    click.echo(f"Sent {deliver_outbox(limit=1000)} message(s).")
