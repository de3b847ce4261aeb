"""Template access to the bilingual texts of a published event, the one way models give them."""

from django import template

from api import ical
from scheduler.models import PublishedEvent

register = template.Library()


@register.simple_tag
def in_lang(event: PublishedEvent, text: str, lang: str) -> str:
    """The event's ``text`` ("name", "venue_name", ...) in ``lang``, else in the other language.

    Escaped by the template engine like any other simple tag output.
    """
    return getattr(event, text)(lang)


@register.simple_tag
def category_label(category: str) -> str:
    """The category's name in the language the page is rendered in."""
    return ical.category_label(category)
