"""Reading a patient's reply: STOP, HELP, START or confirm, in English and Spanish (REFERENCE §13b).

Pure. The FCC 24-24 words must be honoured (stop, quit, end, revoke, opt out, cancel,
unsubscribe); the Spanish equivalents are policy and treated the same. A reply counts as
a keyword when it is the keyword alone, give or take case, accents, punctuation and
polite words around it ("No más, gracias"), so "I can't stop the pain" is free text
for the nurse, not an opt-out.

START and its kin (the carriers' re-subscribe words, and Spanish ones as policy) never opt a
number back in (REFERENCE §13b: "never opt a number back in automatically"): the message goes
to staff, who call and record a new consent if the patient wants texts again.
"""

from __future__ import annotations

import re
import unicodedata

from kyphoplan.messaging.models import Keyword

STOP_WORDS = frozenset({
    "stop", "stopall", "quit", "end", "revoke", "opt out", "optout", "cancel", "unsubscribe", "stop texting",
    "no mas", "parar", "para", "cancelar", "baja", "alto", "detener", "no mas mensajes", "darme de baja",
})
HELP_WORDS = frozenset({"help", "info", "ayuda", "informacion"})
START_WORDS = frozenset({
    "start", "unstop", "resume", "restart", "subscribe", "start again", "yes start", "start texts",
    "reanudar", "si reanudar", "reanudar mensajes", "empezar", "iniciar", "comenzar", "volver a empezar",
    "alta", "darme de alta", "si quiero mensajes",
})
CONFIRM_WORDS = frozenset({"yes", "y", "confirm", "confirmed", "c", "si", "confirmo", "confirmar", "confirmado"})
POLITE = frozenset({"please", "thanks", "thank you", "por favor", "gracias", "ok"})


def normalise(body: str) -> str:
    text = unicodedata.normalize("NFKD", body).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())


def _core(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for word in POLITE:
            for form in (f"{word} ", f" {word}"):
                if text.startswith(form) or text.endswith(form):
                    text = (text[len(form):] if text.startswith(form) else text[: -len(form)]).strip()
                    changed = True
    return text


def classify(body: str) -> Keyword:
    text = _core(normalise(body))
    if text in STOP_WORDS:
        return Keyword.STOP
    if text in HELP_WORDS:
        return Keyword.HELP
    if text in START_WORDS:
        return Keyword.START
    if text in CONFIRM_WORDS:
        return Keyword.CONFIRM
    return Keyword.OTHER
