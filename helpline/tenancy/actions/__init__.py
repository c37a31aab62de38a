from helpline.tenancy.actions.accounts import create_account, update_account
from helpline.tenancy.actions.brands import create_brand, update_brand
from helpline.tenancy.actions.departments import (
    create_department,
    set_department_hours,
    set_department_members,
    set_work_defaults,
    update_department,
)
from helpline.tenancy.actions.members import (
    accept_invitation,
    add_member,
    change_role,
    create_role,
    deactivate_member,
    invite_agent,
    set_answer_only_to_solve,
)

__all__ = [
    "accept_invitation",
    "add_member",
    "change_role",
    "create_account",
    "create_brand",
    "create_department",
    "create_role",
    "deactivate_member",
    "invite_agent",
    "set_answer_only_to_solve",
    "set_department_hours",
    "set_department_members",
    "set_work_defaults",
    "update_account",
    "update_brand",
    "update_department",
]
