"""Progress reports, inspections and acceptance

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 11:52:04.958827

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('inspectors', sa.String(length=500), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('conclusion', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("conclusion IN ('on_track', 'issues', 'serious')", name=op.f('ck_inspections_conclusion')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_inspections_application_id_applications')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_inspections_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_application_id'), ['application_id'], unique=False)

    op.create_table('progress_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_progress_reminders_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_reminders')),
    sa.UniqueConstraint('application_id', 'number', 'days_before', name=op.f('uq_progress_reminders_application_id'))
    )
    op.create_table('progress_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('spent_vnd', sa.BigInteger(), nullable=True),
    sa.Column('products', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name=op.f('ck_progress_reports_submitted_has_date')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'more_requested', 'accepted')", name=op.f('ck_progress_reports_status')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_progress_reports_number')),
    sa.CheckConstraint('spent_vnd IS NULL OR spent_vnd >= 0', name=op.f('ck_progress_reports_spent_vnd')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_progress_reports_version_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_progress_reports_application_id_applications')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_progress_reports_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_reports')),
    sa.UniqueConstraint('application_id', 'number', name=op.f('uq_progress_reports_application_id'))
    )
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_reports_application_id'), ['application_id'], unique=False)

    op.create_table('progress_report_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['progress_reports.id'], name=op.f('fk_progress_report_documents_report_id_progress_reports')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_progress_report_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report_documents')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_progress_report_documents_stored_name'))
    )
    with op.batch_alter_table('progress_report_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_report_documents_report_id'), ['report_id'], unique=False)

    op.create_table('acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('disbursed_vnd', sa.BigInteger(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("rating <> 'failed' OR reasons <> ''", name=op.f('ck_acceptances_failed_has_reasons')),
    sa.CheckConstraint("rating IN ('excellent', 'passed', 'failed')", name=op.f('ck_acceptances_rating')),
    sa.CheckConstraint('disbursed_vnd >= 0', name=op.f('ck_acceptances_disbursed_vnd')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_acceptances_application_id_applications')),
    sa.ForeignKeyConstraint(['assignment_id'], ['council_assignments.id'], name=op.f('fk_acceptances_assignment_id_council_assignments')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_acceptances_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptances')),
    sa.UniqueConstraint('application_id', name=op.f('uq_acceptances_application_id')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_acceptances_assignment_id'))
    )


def downgrade():
    op.drop_table('acceptances')
    with op.batch_alter_table('progress_report_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_documents_report_id'))

    op.drop_table('progress_report_documents')
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_reports_application_id'))

    op.drop_table('progress_reports')
    op.drop_table('progress_reminders')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_application_id'))

    op.drop_table('inspections')
