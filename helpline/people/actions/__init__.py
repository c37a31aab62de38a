from helpline.people.actions.companies import create_company, delete_company, update_company
from helpline.people.actions.contacts import (
    ADDABLE_KINDS,
    UNCHANGED,
    add_identity,
    contact_for_agent,
    create_contact,
    find_or_create_contact,
    remove_identity,
    update_contact,
)
from helpline.people.actions.groups import create_group, delete_group, set_group_members, update_group
from helpline.people.actions.imports import preview_contact_import, run_contact_import, start_contact_import
from helpline.people.actions.merge import merge_contacts
from helpline.people.actions.notes import add_contact_note, delete_contact_note

__all__ = [
    "ADDABLE_KINDS",
    "UNCHANGED",
    "add_contact_note",
    "add_identity",
    "contact_for_agent",
    "create_company",
    "create_contact",
    "create_group",
    "delete_company",
    "delete_contact_note",
    "delete_group",
    "find_or_create_contact",
    "merge_contacts",
    "remove_identity",
    "preview_contact_import",
    "run_contact_import",
    "set_group_members",
    "start_contact_import",
    "update_company",
    "update_contact",
    "update_group",
]
