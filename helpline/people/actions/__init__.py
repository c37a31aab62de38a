from helpline.people.actions.contacts import create_contact, find_or_create_contact, update_contact

__all__ = ["create_contact", "find_or_create_contact", "update_contact"]
