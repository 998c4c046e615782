"""{% load people %}: dates as people read them (kyphoplan.web.formats)."""

from __future__ import annotations

from django import template

from kyphoplan.web import formats

register = template.Library()
register.filter("patient_date", formats.patient_date, expects_localtime=True)
register.filter("staff_date", formats.staff_date, expects_localtime=True)
register.filter("staff_datetime", formats.staff_datetime, expects_localtime=True)
