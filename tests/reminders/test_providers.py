from django.core.mail import EmailMessage

from kyphoplan.outbox.providers import _wire_bytes


def test_it_writes_the_email_for_smtp_with_crlf_and_leaves_lines_starting_with_from_alone():
    email = EmailMessage("Your visit", "Hello Maria,\nFrom Monday, bring your list of pills.\n.\nSee you soon.\n",
                         to=["maria@example.org"])
    data = _wire_bytes(email)
    assert b"\n" not in data.replace(b"\r\n", b"")  # SMTP wants CRLF line ends, every one
    assert b"\r\nFrom Monday, bring your list of pills.\r\n" in data  # not ">From": Maria reads it as written
    assert b"\r\n.\r\nSee you soon." in data  # dot-stuffing is the sender's job, after this
