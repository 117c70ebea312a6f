"""Plan task reports, reminders and award proposals; agency reporters belong to an agency

Revision ID: 6f91cc12e940
Revises: 5634797a7567

"""
from alembic import op
import sqlalchemy as sa


revision = '6f91cc12e940'
down_revision = '5634797a7567'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('report_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('outstanding_tasks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_report_reminders_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_reminders')),
    sa.UniqueConstraint('agency_id', 'year', 'days_before', name='uq_report_reminders_agency_year_days')
    )
    op.create_table('agency_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('first_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('not_started', 'in_progress', 'done', 'blocked')", name=op.f('ck_agency_reports_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_reports_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agency_reports_created_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_agency_reports_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['task_id'], ['plan_tasks.id'], name=op.f('fk_agency_reports_task_id_plan_tasks')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_agency_reports_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_reports')),
    sa.UniqueConstraint('task_id', 'agency_id', 'year', name='uq_agency_reports_task_agency_year')
    )
    with op.batch_alter_table('agency_reports', schema=None) as batch_op:
        batch_op.create_index('ix_agency_reports_year_agency', ['year', 'agency_id'], unique=False)

    op.create_table('award_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('nominee_kind', sa.String(length=20), nullable=False),
    sa.Column('nominee_name', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('achievement', sa.Text(), nullable=False),
    sa.Column('award_form', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("nominee_kind IN ('organization', 'individual')", name=op.f('ck_award_proposals_nominee_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_award_proposals_created_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_award_proposals_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_proposals'))
    )
    with op.batch_alter_table('award_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_proposals_year'), ['year'], unique=False)

    op.create_table('agency_report_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['agency_reports.id'], name=op.f('fk_agency_report_attachments_report_id_agency_reports')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_agency_report_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_report_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_agency_report_attachments_stored_name'))
    )
    with op.batch_alter_table('agency_report_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_report_attachments_report_id'), ['report_id'], unique=False)

    op.create_table('agency_report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_agency_report_events_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['agency_reports.id'], name=op.f('fk_agency_report_events_report_id_agency_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_report_events'))
    )
    with op.batch_alter_table('agency_report_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_report_events_report_id'), ['report_id'], unique=False)

    # The annual report counts the applications first submitted in a year.
    with op.batch_alter_table('application_versions', schema=None) as batch_op:
        batch_op.create_index('ix_application_versions_number_created_at', ['number', 'created_at'],
                              unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_agency_id'), ['agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])




def downgrade():
    with op.batch_alter_table('application_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_application_versions_number_created_at')

    
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_agency_id'))
        batch_op.drop_column('agency_id')

    with op.batch_alter_table('agency_report_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_report_events_report_id'))

    op.drop_table('agency_report_events')
    with op.batch_alter_table('agency_report_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_report_attachments_report_id'))

    op.drop_table('agency_report_attachments')
    with op.batch_alter_table('award_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_proposals_year'))

    op.drop_table('award_proposals')
    with op.batch_alter_table('agency_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_agency_reports_year_agency')

    op.drop_table('agency_reports')
    op.drop_table('report_reminders')

