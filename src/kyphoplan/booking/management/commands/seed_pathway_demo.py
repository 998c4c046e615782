"""`seed_pathway_demo`: the rooms and beds the demo books into. Safe to run again."""

from django.core.management.base import BaseCommand

from kyphoplan.booking.models import Resource, ResourceKind

DEMO_RESOURCES = [
    ("Procedure room 1", ResourceKind.ROOM),
    ("Procedure room 2", ResourceKind.ROOM),
    ("Overnight bed 1", ResourceKind.BED),
    ("Overnight bed 2", ResourceKind.BED),
]


def seed_pathway_demo() -> int:
    made = 0
    for name, kind in DEMO_RESOURCES:
        _, created = Resource.objects.get_or_create(name=name, defaults={"kind": kind})
        made += created
    return made


class Command(BaseCommand):
    help = "Create the demo's procedure rooms and overnight beds."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(f"{seed_pathway_demo()} rooms and beds added")
