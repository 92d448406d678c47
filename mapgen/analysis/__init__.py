"""What was in force when, what changed between two dates, and coverage statistics."""
