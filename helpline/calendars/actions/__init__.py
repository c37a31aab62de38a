from helpline.calendars.actions.calendars import add_holiday, remove_holiday, save_calendar

__all__ = ["add_holiday", "remove_holiday", "save_calendar"]
