"""Builders for employment spells with chosen dates, as a hire would open them."""

from datetime import date

from jobmatch.employment.models import EmploymentSpell
from jobmatch.extensions import db
from tests.factories import make_post, make_resident


def make_spell(resident=None, post=None, started_on=date(2026, 1, 31), wage=3000, **fields):
    resident = resident or make_resident()
    post = post or make_post()
    spell = EmploymentSpell(
        resident_id=resident.id,
        post_id=post.id,
        firm_id=post.firm_id,
        started_on=started_on,
        wage=wage,
        **fields,
    )
    db.session.add(spell)
    db.session.commit()
    return spell
