"""Command-line tasks: `flask --app app <command>`."""
import click
from flask import Flask
from flask.cli import with_appcontext

from registry.extensions import db
from registry.models.accounts import ROLES


def register(app: Flask) -> None:
    app.cli.add_command(init_data)
    app.cli.add_command(load_plan_file)
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_outbox)
    app.cli.add_command(annual_report)
    app.cli.add_command(send_reminders)
    # `flask db check` answers "do the migrations build what the models describe?" on any
    # database, a fresh one included (Flask-Migrate's own refuses one not yet migrated).
    from flask_migrate.cli import db as migration_commands
    migration_commands.add_command(check_migrations)


def load_reference_data() -> dict[str, int]:
    """Insert or update districts, communes and wards, genetic resources, and the 2023 plan with
    its agencies, tasks and targets, by code.
    Idempotent: running it again changes nothing that is already right."""
    from registry.models import District, GeneticResource
    from registry.reference_data.basics import DISTRICTS, GENETIC_RESOURCES
    from registry.services.places import load_seed_communes
    from registry.services.plans import load_plan, seed_plan_data

    def upsert(model, rows):
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
        "communes": load_seed_communes(),
        "genetic_resources": upsert(GeneticResource, GENETIC_RESOURCES),
    }
    counts.update(load_plan(seed_plan_data()).added)
    counts["rubrics"] = _load_default_rubrics()
    db.session.commit()
    return counts


def _load_default_rubrics() -> int:
    """Version 1 of each kind's rubric, where that kind has none yet."""
    from registry.models import Rubric, RubricCriterion
    from registry.reference_data.rubrics import DEFAULT_RUBRICS

    existing = set(db.session.execute(db.select(Rubric.kind, Rubric.purpose)).all())
    created = 0
    for (kind, purpose), criteria in DEFAULT_RUBRICS.items():
        if (kind, purpose) in existing:
            continue
        db.session.add(Rubric(kind=kind, purpose=purpose, number=1, is_current=True, criteria=[
            RubricCriterion(position=n, name_vi=vi, name_en=en, max_points=points)
            for n, (vi, en, points) in enumerate(criteria, start=1)]))
        created += 1
    return created


@click.command("init-data")
def init_data():
    """Load the reference data (districts, genetic resources, targets, plan tasks)."""
    counts = load_reference_data()
    click.echo("Reference data: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))


@click.command("load-plan")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_plan_file(path):
    """Load a plan (JSON in the form of /admin/plans/seed.json) beside the others."""
    from pathlib import Path

    from registry.services.errors import ValidationFailed
    from registry.services.plans import load_plan, read_plan_file

    try:
        result = load_plan(read_plan_file(Path(path).read_bytes()))
    except ValidationFailed as exc:
        db.session.rollback()
        for where, messages in exc.errors.items():
            click.echo(f"{where}: {'; '.join(messages)}", err=True)
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Plan {result.plan.code}: " + ", ".join(f"{k} +{v}" for k, v in result.added.items())
               + (" (counted)" if result.plan.is_counted else ""))


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--password", required=True)
@click.option("--organization", "organization_name", default=None, help="Organisation name (created if new).")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--agency", "agency_code", default=None,
              help="Code of the agency an agency reporter belongs to, e.g. DAE.")
def create_user(email, role, password, organization_name, full_name, agency_code):
    """Create a user account."""
    from registry.models import Organization
    from registry.services.accounts import create_user as create
    from registry.services.errors import ValidationFailed

    agency = _agency_by_code(agency_code, role) if agency_code else None
    organization = None
    if organization_name:
        organization = db.session.scalar(db.select(Organization).filter_by(name=organization_name))
        if organization is None:
            organization = Organization(name=organization_name, org_type="other")
            db.session.add(organization)
    try:
        user = create(email, password, role, full_name=full_name, organization=organization,
                      agency=agency)
    except ValidationFailed as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            click.echo(f"{field}: {' '.join(messages)}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


def _agency_by_code(code: str, role: str):
    """The agency with `code`, or exit with a message saying which codes exist."""
    from registry.models import Agency

    if role != "agency":
        click.echo("--agency is only for agency reporters (--role agency).", err=True)
        raise SystemExit(1)
    agency = db.session.scalar(db.select(Agency).filter_by(code=code.strip().upper()))
    if agency is None:
        codes = ", ".join(db.session.scalars(db.select(Agency.code).order_by(Agency.code)))
        click.echo(f"No agency with the code {code}. Known codes: {codes}.", err=True)
        raise SystemExit(1)
    return agency


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


@click.command("annual-report")
@click.option("--year", type=int, required=True, help="The year reported on.")
@click.option("--format", "file_format", type=click.Choice(["pdf", "xlsx"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The file to write.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def annual_report(year, file_format, output, lang):
    """Write the department's annual report on the plan as a PDF or XLSX file."""
    from pathlib import Path

    from flask import current_app
    from flask_babel import force_locale

    from registry.services import annual_report as report
    from registry.services import report_files
    from registry.services.plan_reports import report_years

    years = report_years()
    if year not in years:
        raise click.BadParameter(f"{year} is not a report year: choose one from {min(years)} "
                                 f"to {max(years)}.", param_hint="'--year'")
    # url_for and the reader's language need a request, as when the page renders the report.
    with current_app.test_request_context(), force_locale(lang):
        built = report.build(year)
        render = report_files.pdf_bytes if file_format == "pdf" else report_files.xlsx_bytes
        data = render(built)
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        click.echo(f"Cannot write {output}: {exc.strerror}.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Wrote the {year} annual report ({file_format.upper()}, {lang}) to {output}: "
               f"{len(data):,} bytes.")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


@click.command("send-reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (YYYY-MM-DD); the default is today in Hưng Yên.")
def send_reminders(today):
    """E-mail agencies whose plan task reports are due soon, the owners of supported records
    whose progress reports are due in 14 or 3 days, and department staff 14 and 3 days before
    the annual report is due. Safe to run daily: each reminder goes out once."""
    from flask import current_app

    from registry.extensions import db
    from registry.services import plan_reports
    from registry.services.errors import Conflict
    from registry.services.unit_of_work import commit

    site = current_app.config.get("SITE_URL")
    if not site:
        click.echo("Set SITE_URL (e.g. https://cnsh.hungyen.gov.vn): the reminders link to the site.",
                   err=True)
        raise SystemExit(1)
    # The e-mails link to the agency pages on the site's address (SITE_URL).
    for attempt in (1, 2):
        try:
            sent = plan_reports.send_reminders(today.date() if today else None)
            commit()
            break
        except Conflict:
            # Another run recorded some of the same reminders first: try again without them.
            db.session.rollback()
            if attempt == 2:
                raise
    # The owners of supported records, 14 and 3 days before each six-monthly progress report.
    from registry.services import followup

    progress = followup.send_progress_reminders(today.date() if today else None)
    commit()
    # The department's own report, due to the Provincial People's Committee on 30/11.
    from registry.services import annual_documents

    try:
        annual = annual_documents.send_reminders(today.date() if today else None)
        commit()
    except Conflict:  # another run sent this milestone first
        db.session.rollback()
        annual = 0
    if not sent and not progress and not annual:
        click.echo("No reminders due.")
    for reminder in sent:
        click.echo(f"Reminded {reminder.agency.code} ({reminder.days_before} days before): "
                   f"{_plural(len(reminder.recipients), 'recipient')}, "
                   f"{_plural(len(reminder.tasks), 'task')}")
    if progress:
        click.echo(f"Progress reports: {_plural(progress, 'reminder')} sent.")
    if annual:
        click.echo(f"Annual report: {_plural(annual, 'reminder')} sent to department staff.")


@click.command("check")
@click.option("-d", "--directory", default=None,
              help='Migration script directory (default is "migrations")')
@with_appcontext
def check_migrations(directory):
    """Check that the migrations build what the models describe. A database not yet at the
    latest migration is left alone: the check runs on a scratch SQLite database built from
    the migrations."""
    import tempfile
    from pathlib import Path

    import flask_migrate
    from flask import g

    from registry import create_app
    from registry.config import DevelopmentConfig

    directory = directory or g.get("directory")
    from registry.request_log import schema_is_current

    if schema_is_current(directory):
        flask_migrate.check(directory)
        return
    click.echo("The database is not at the latest migration: checking on a scratch database "
               "built from the migrations.")
    with tempfile.TemporaryDirectory(prefix="registry-migration-check-") as scratch:
        class ScratchConfig(DevelopmentConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(scratch) / 'check.sqlite3'}"

        with create_app(ScratchConfig).app_context():
            flask_migrate.upgrade(directory)
            flask_migrate.check(directory)
