"""Who gets which live chat: ringing per strategy, queues, missed chats, transfers, and agent presence."""
