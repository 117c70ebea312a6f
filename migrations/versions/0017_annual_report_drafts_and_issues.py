"""The annual report as a document the department signs

`annual_report_drafts`: one year's text while staff write it (optimistic locking).
`issued_reports`: each issue with its number and date, the frozen document and the PDF and DOCX
made when it was issued (append-only; a correction names the issue it replaces, each is
replaced at most once, and a year has one first issue). `annual_report_reminders`: the 14- and
3-day reminders to the department, sent once each.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 20:42:12

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_report_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report_reminders')),
    sa.UniqueConstraint('year', 'days_before', name='uq_annual_report_reminders')
    )
    op.create_table('annual_report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('signing_authority', sa.String(length=20), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_annual_report_drafts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report_drafts')),
    sa.UniqueConstraint('year', name=op.f('uq_annual_report_drafts_year'))
    )
    op.create_table('issued_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=30), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_year', sa.Integer(), nullable=False),
    sa.Column('first_issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_size', sa.Integer(), nullable=False),
    sa.Column('docx_size', sa.Integer(), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_issued_reports_number')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_reports_issued_by_id_users')),
    sa.ForeignKeyConstraint(['replaces_id'], ['issued_reports.id'], name=op.f('fk_issued_reports_replaces_id_issued_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_reports')),
    sa.UniqueConstraint('replaces_id', name=op.f('uq_issued_reports_replaces_id')),
    sa.UniqueConstraint('symbol', 'issued_year', 'number', name='uq_issued_reports_number')
    )
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_reports_year'), ['year'], unique=False)
        batch_op.create_index('uq_issued_reports_first_of_year', ['year'], unique=True, sqlite_where=sa.text('replaces_id IS NULL'), postgresql_where=sa.text('replaces_id IS NULL'))



def downgrade():
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.drop_index('uq_issued_reports_first_of_year', sqlite_where=sa.text('replaces_id IS NULL'), postgresql_where=sa.text('replaces_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_issued_reports_year'))

    op.drop_table('issued_reports')
    op.drop_table('annual_report_drafts')
    op.drop_table('annual_report_reminders')
