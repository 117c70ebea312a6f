"""Plans as data, and agencies as they are today

Targets and plan tasks belong to a plan (issuer, number, date, area, period): the 2023 plan of
the former Hưng Yên province, inserted here, owns every existing one and stays the one counted.
Agencies say what they are (a department, a group of committees, everyone, a commune or ward
committee) and which agency carries their duties since a merger; a task's agencies keep the
plan's order. The department invites commune and ward committees to report for a year.

Data: the conserved and barcoded resources are registry indicators (the plan sets no number for
them); the enterprise-growth and import-substitution targets are measured from the register of
biotech enterprises.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 01:40:00

"""
from datetime import date, datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OLD_MEASURES = ("supported_projects", "startups", "pvp_growth", "conserved_resources",
                "dna_barcoded_resources", "indicator")
NEW_MEASURES = OLD_MEASURES + ("enterprise_investment_growth", "enterprise_revenue_growth",
                               "import_substitution")
PLAN_2023 = {
    "code": "KH-2023-HY",
    "title_vi": "Kế hoạch thực hiện Nghị quyết số 36-NQ/TW ngày 30/01/2023 của Bộ Chính trị về phát "
    "triển và ứng dụng công nghệ sinh học phục vụ phát triển bền vững đất nước trong tình hình mới",
    "title_en": "Plan implementing Politburo Resolution 36-NQ/TW of 30/01/2023 on developing and "
    "applying biotechnology for the country's sustainable development in the new situation",
    "issuer_vi": "Ủy ban nhân dân tỉnh Hưng Yên",
    "issuer_en": "People's Committee of Hưng Yên province",
    "number": "/KH-UBND",
    "issued_on": date(2023, 12, 1),
    "issued_on_exact": False,
    "area_vi": "Tỉnh Hưng Yên (trước khi hợp nhất với tỉnh Thái Bình)",
    "area_en": "Hưng Yên province (before its merger with Thái Bình)",
    "period_start": date(2023, 1, 1),
    "period_end": date(2030, 12, 31),
    "is_counted": True,
    "sort_order": 0,
}


RETITLED = (
    ("supported_projects", "Dự án hoàn thiện, làm chủ công nghệ sinh học được hỗ trợ",
     "Dự án hoàn thiện, làm chủ công nghệ tạo sản phẩm mới bằng công nghệ sinh học được hỗ trợ"),
    ("pvp_growth", "Tăng trưởng bình quân số đơn đăng ký bảo hộ giống cây trồng",
     "Tăng trưởng bình quân số lượng đơn đăng ký bảo hộ giống cây trồng"),
    ("biotech_enterprise_growth", "Tăng quy mô đầu tư của doanh nghiệp công nghệ sinh học",
     "Tăng quy mô đầu tư của doanh nghiệp công nghiệp sinh học"),
)
PLAN_2023_ID = f"(SELECT id FROM plans WHERE code = '{PLAN_2023['code']}')"


def upgrade():
    plans = op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title_vi', sa.Text(), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('issuer_vi', sa.String(length=300), nullable=False),
    sa.Column('issuer_en', sa.String(length=300), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_on_exact', sa.Boolean(), nullable=False),
    sa.Column('area_vi', sa.String(length=300), nullable=False),
    sa.Column('area_en', sa.String(length=300), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('is_counted', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('code', name=op.f('uq_plans_code'))
    )
    op.bulk_insert(plans, [{**PLAN_2023,
                            "created_at": datetime.now(timezone.utc).replace(tzinfo=None)}])

    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_set_by', sa.String(length=10), server_default='plan', nullable=False))
        batch_op.add_column(sa.Column('definition_vi', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('definition_en', sa.Text(), server_default='', nullable=False))
    op.execute(f"UPDATE targets SET plan_id = {PLAN_2023_ID}")
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_targets_code', type_='unique')
        batch_op.create_unique_constraint('uq_targets_plan_code', ['plan_id', 'code'])
        batch_op.create_index(batch_op.f('ix_targets_plan_id'), ['plan_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_targets_plan_id_plans'), 'plans', ['plan_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_targets_measure'), type_='check')
        batch_op.create_check_constraint(op.f('ck_targets_measure'), f"measure IN {NEW_MEASURES}")
        batch_op.create_check_constraint(op.f('ck_targets_target_set_by'),
                                         "target_set_by IN ('plan', 'admin', 'none')")

    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cells_follow_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lead_not_written', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(f"UPDATE plan_tasks SET plan_id = {PLAN_2023_ID}")
    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.alter_column('plan_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_plan_tasks_code', type_='unique')
        batch_op.create_unique_constraint('uq_plan_tasks_plan_code', ['plan_id', 'code'])
        batch_op.create_index(batch_op.f('ix_plan_tasks_plan_id'), ['plan_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_plan_tasks_plan_id_plans'), 'plans', ['plan_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_plan_tasks_cells_follow_id_plan_tasks'), 'plan_tasks',
                                    ['cells_follow_id'], ['id'])

    with op.batch_alter_table('plan_task_agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='department', nullable=False))
        batch_op.add_column(sa.Column('succeeded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('succeeded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('succession_note_vi', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('succession_note_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('succession_source', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('commune_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_agencies_commune_id'), ['commune_id'])
        batch_op.create_foreign_key(batch_op.f('fk_agencies_succeeded_by_id_agencies'), 'agencies',
                                    ['succeeded_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_agencies_commune_id_communes'), 'communes',
                                    ['commune_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_agencies_kind'), "kind IN ('department', 'committees', 'everyone', 'commune_committee')")
        batch_op.create_check_constraint(op.f('ck_agencies_succession_dated'), "succeeded_by_id IS NULL OR succeeded_on IS NOT NULL")

    op.create_table('report_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_report_invitations_agency_id_agencies')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_report_invitations_invited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_invitations')),
    sa.UniqueConstraint('year', 'agency_id', name='uq_report_invitations_year_agency')
    )
    with op.batch_alter_table('report_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_invitations_year'), ['year'], unique=False)

    _correct_data()


def _correct_data():
    """What the plan says, where the seed said more: no number for the conserved and barcoded
    resources; the groups of agencies are groups."""
    op.execute("UPDATE agencies SET kind = 'committees' WHERE code = 'DISTRICTS'")
    op.execute("UPDATE agencies SET kind = 'everyone' WHERE code = 'ALL'")
    op.execute("UPDATE targets SET target_set_by = 'none', target_min = NULL, target_max = NULL "
               "WHERE measure IN ('conserved_resources', 'dna_barcoded_resources')")
    op.execute("UPDATE targets SET measure = 'enterprise_investment_growth' "
               "WHERE code = 'biotech_enterprise_growth' AND measure = 'indicator'")
    op.execute("UPDATE targets SET measure = 'import_substitution' "
               "WHERE code = 'import_substitution' AND measure = 'indicator'")
    # The plan's own words (where nobody has retitled the target since it was seeded).
    targets = sa.table('targets', sa.column('code', sa.String), sa.column('title_vi', sa.String))
    for code, seeded, plans_words in RETITLED:
        op.execute(targets.update().where(targets.c.code == code, targets.c.title_vi == seeded)
                   .values(title_vi=plans_words))


def downgrade():
    op.execute("UPDATE targets SET measure = 'indicator' WHERE measure IN "
               "('enterprise_investment_growth', 'enterprise_revenue_growth', 'import_substitution')")
    with op.batch_alter_table('report_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_invitations_year'))
    op.drop_table('report_invitations')

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agencies_succession_dated'), type_='check')
        batch_op.drop_constraint(op.f('ck_agencies_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_agencies_commune_id_communes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_agencies_succeeded_by_id_agencies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_agencies_commune_id'), type_='unique')
        for column in ('commune_id', 'succession_source', 'succession_note_en', 'succession_note_vi',
                       'succeeded_on', 'succeeded_by_id', 'kind'):
            batch_op.drop_column(column)

    with op.batch_alter_table('plan_task_agencies', schema=None) as batch_op:
        batch_op.drop_column('position')

    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_tasks_cells_follow_id_plan_tasks'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_plan_tasks_plan_id_plans'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_plan_tasks_plan_id'))
        batch_op.drop_constraint('uq_plan_tasks_plan_code', type_='unique')
        batch_op.create_unique_constraint('uq_plan_tasks_code', ['code'])
        for column in ('lead_not_written', 'cells_follow_id', 'plan_id'):
            batch_op.drop_column(column)

    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_targets_target_set_by'), type_='check')
        batch_op.drop_constraint(op.f('ck_targets_measure'), type_='check')
        batch_op.create_check_constraint(op.f('ck_targets_measure'), f"measure IN {OLD_MEASURES}")
        batch_op.drop_constraint(batch_op.f('fk_targets_plan_id_plans'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_targets_plan_id'))
        batch_op.drop_constraint('uq_targets_plan_code', type_='unique')
        batch_op.create_unique_constraint('uq_targets_code', ['code'])
        for column in ('definition_en', 'definition_vi', 'target_set_by', 'plan_id'):
            batch_op.drop_column(column)

    op.drop_table('plans')
