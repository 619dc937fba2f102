"""The application layer every service shares: load -> decide -> append."""
