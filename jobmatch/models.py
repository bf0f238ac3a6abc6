"""Every feature's models, imported in one place so that Alembic and create_all see them all."""

from jobmatch.accounts.models import ActivationCode, User, WebSession
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.audit.models import AuditEntry
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.employment.models import EmploymentSpell, FollowUp
from jobmatch.firms.models import Firm
from jobmatch.jobs.models import BackgroundJob
from jobmatch.matching.models import AllocationPlan, MatchingChange
from jobmatch.notifications.models import Notification
from jobmatch.orders.models import Delivery, DeliveryReview, MaterialIssue, Order
from jobmatch.posts.models import Post, post_certificates, post_skills
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.residents.upload_models import RosterUpload
from jobmatch.training.models import (
    Assessment,
    Attendance,
    AttendanceChange,
    Cohort,
    Enrollment,
    Program,
    SubsidyClaim,
    TrainingSession,
    program_skills,
)

__all__ = [
    "ActivationCode",
    "AllocationPlan",
    "Application",
    "ApplicationEvent",
    "Assessment",
    "Attendance",
    "AttendanceChange",
    "AuditEntry",
    "BackgroundJob",
    "Cohort",
    "Community",
    "Delivery",
    "DeliveryReview",
    "EmploymentSpell",
    "Enrollment",
    "Firm",
    "FollowUp",
    "Grid",
    "MatchingChange",
    "MaterialIssue",
    "Notification",
    "Occupation",
    "Order",
    "Post",
    "Program",
    "Resident",
    "RosterUpload",
    "ResidentGroup",
    "ResidentSkill",
    "Skill",
    "SubsidyClaim",
    "TrainingSession",
    "User",
    "WebSession",
    "post_certificates",
    "post_skills",
    "program_skills",
]
