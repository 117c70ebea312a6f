"""Councils, rubrics and required documents

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 11:34:38.842232

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rubrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('excellent_mark', sa.Integer(), nullable=False),
    sa.Column('majority_percent', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('project', 'startup', 'conservation', 'pvp_filing')", name=op.f('ck_rubrics_kind')),
    sa.CheckConstraint("purpose IN ('selection', 'acceptance')", name=op.f('ck_rubrics_purpose')),
    sa.CheckConstraint('excellent_mark BETWEEN 1 AND 100', name=op.f('ck_rubrics_excellent_mark')),
    sa.CheckConstraint('majority_percent BETWEEN 0 AND 99', name=op.f('ck_rubrics_majority_percent')),
    sa.CheckConstraint('pass_mark BETWEEN 1 AND 100', name=op.f('ck_rubrics_pass_mark')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rubrics_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubrics')),
    sa.UniqueConstraint('kind', 'purpose', 'number', name=op.f('uq_rubrics_kind'))
    )
    op.create_table('councils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('meets_on', sa.Date(), nullable=True),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('project', 'startup', 'conservation', 'pvp_filing')", name=op.f('ck_councils_kind')),
    sa.CheckConstraint("purpose IN ('selection', 'acceptance')", name=op.f('ck_councils_purpose')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_councils_version_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_councils_created_by_id_users')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubrics.id'], name=op.f('fk_councils_rubric_id_rubrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils'))
    )
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_councils_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('rubric_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_points BETWEEN 1 AND 100', name=op.f('ck_rubric_criteria_max_points')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubrics.id'], name=op.f('fk_rubric_criteria_rubric_id_rubrics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_criteria')),
    sa.UniqueConstraint('rubric_id', 'position', name=op.f('uq_rubric_criteria_rubric_id'))
    )
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_criteria_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('council_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('mean_total', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('recommended', sa.Boolean(), nullable=True),
    sa.Column('recommending', sa.Integer(), nullable=True),
    sa.Column('scorers', sa.Integer(), nullable=True),
    sa.Column('rating', sa.String(length=20), nullable=True),
    sa.CheckConstraint("purpose IN ('selection', 'acceptance')", name=op.f('ck_council_assignments_purpose')),
    sa.CheckConstraint("rating IS NULL OR rating IN ('excellent', 'passed', 'failed')", name=op.f('ck_council_assignments_rating')),
    sa.CheckConstraint('completed_at IS NULL OR (mean_total IS NOT NULL AND recommended IS NOT NULL)', name=op.f('ck_council_assignments_result_complete')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_council_assignments_application_id_applications')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_assignments_council_id_councils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_assignments')),
    sa.UniqueConstraint('application_id', 'purpose', name=op.f('uq_council_assignments_application_id'))
    )
    with op.batch_alter_table('council_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_assignments_council_id'), ['council_id'], unique=False)

    op.create_table('council_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=20), nullable=False),
    sa.CheckConstraint("position IN ('chair', 'critical_reviewer', 'member', 'secretary')", name=op.f('ck_council_members_position')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_members_council_id_councils')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_members')),
    sa.UniqueConstraint('council_id', 'user_id', name=op.f('uq_council_members_council_id'))
    )
    with op.batch_alter_table('council_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_members_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_members_user_id'), ['user_id'], unique=False)

    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['council_assignments.id'], name=op.f('fk_conflict_declarations_assignment_id_council_assignments')),
    sa.ForeignKeyConstraint(['member_id'], ['council_members.id'], name=op.f('fk_conflict_declarations_member_id_council_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('assignment_id', 'member_id', name=op.f('uq_conflict_declarations_assignment_id'))
    )
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_declarations_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_declarations_member_id'), ['member_id'], unique=False)

    op.create_table('score_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('recommends', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('submitted_at IS NULL OR recommends IS NOT NULL', name=op.f('ck_score_sheets_submitted_complete')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_score_sheets_version_positive')),
    sa.ForeignKeyConstraint(['assignment_id'], ['council_assignments.id'], name=op.f('fk_score_sheets_assignment_id_council_assignments')),
    sa.ForeignKeyConstraint(['member_id'], ['council_members.id'], name=op.f('fk_score_sheets_member_id_council_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheets')),
    sa.UniqueConstraint('assignment_id', 'member_id', name=op.f('uq_score_sheets_assignment_id'))
    )
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheets_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheets_member_id'), ['member_id'], unique=False)

    op.create_table('score_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_score_items_points')),
    sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criteria.id'], name=op.f('fk_score_items_criterion_id_rubric_criteria')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheets.id'], name=op.f('fk_score_items_sheet_id_score_sheets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_items')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', name=op.f('uq_score_items_sheet_id'))
    )
    with op.batch_alter_table('score_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_items_sheet_id'), ['sheet_id'], unique=False)

    # Documents attached before types existed are "other": the owner classifies them when the
    # required-documents rule asks at the next submission.
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_type', sa.String(length=30), server_default='other', nullable=False))
        batch_op.create_check_constraint(
            'document_type',
            "document_type IN ('technical_description', 'budget_estimate', 'business_plan', "
            "'filing_receipt', 'legal_papers', 'progress_evidence', 'other')",
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', "role IN ('applicant', 'reviewer', 'admin', 'agency', 'expert')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', "role IN ('applicant', 'reviewer', 'admin', 'agency')")

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachments_document_type'), type_='check')
        batch_op.drop_column('document_type')

    with op.batch_alter_table('score_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_items_sheet_id'))

    op.drop_table('score_items')
    with op.batch_alter_table('score_sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheets_member_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheets_assignment_id'))

    op.drop_table('score_sheets')
    with op.batch_alter_table('conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_member_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_declarations_assignment_id'))

    op.drop_table('conflict_declarations')
    with op.batch_alter_table('council_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_council_members_council_id'))

    op.drop_table('council_members')
    with op.batch_alter_table('council_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_assignments_council_id'))
        batch_op.drop_index(batch_op.f('ix_council_assignments_application_id'))

    op.drop_table('council_assignments')
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_criteria_rubric_id'))

    op.drop_table('rubric_criteria')
    with op.batch_alter_table('councils', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_councils_rubric_id'))

    op.drop_table('councils')
    op.drop_table('rubrics')
