"""The explanation templates offered as starting text (after Pedoman 3/2024: Fakta, Analisis)."""

from django.utils.translation import gettext_lazy as _

FAKTA_TEMPLATE = _(
    "The agency has [document type] Number [number] Year [year] on [title], which covers [summary] "
    "(Article [..], page [..]; file: [file name])."
)
ANALISIS_TEMPLATE = _(
    "Based on [document], the criteria of level [n] are met because [reason]; "
    "the criteria of level [n+1] are not yet met because [what is missing]."
)
