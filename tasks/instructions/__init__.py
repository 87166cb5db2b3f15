"""领导批示: leaders' instructions on a task or on a department's overdue tasks, and the departments' replies."""
