"""The reference supplier sandbox: a conformant housing API with switchable faults (issue 4)."""
