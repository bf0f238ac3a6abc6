"""Every feature's models, imported in one place so that Alembic and create_all see them all."""

from jobmatch.accounts.models import User
from jobmatch.applications.models import Application, ApplicationEvent
from jobmatch.catalogue.models import Occupation, Skill
from jobmatch.communities.models import Community, Grid
from jobmatch.firms.models import Firm
from jobmatch.orders.models import Delivery, Order
from jobmatch.posts.models import Post, post_certificates, post_skills
from jobmatch.residents.models import Resident, ResidentGroup, ResidentSkill
from jobmatch.training.models import Cohort, Enrollment, Program, program_skills

__all__ = [
    "Application",
    "ApplicationEvent",
    "Cohort",
    "Community",
    "Delivery",
    "Enrollment",
    "Firm",
    "Grid",
    "Occupation",
    "Order",
    "Post",
    "Program",
    "Resident",
    "ResidentGroup",
    "ResidentSkill",
    "Skill",
    "User",
    "post_certificates",
    "post_skills",
    "program_skills",
]
