"""Directors' view of their school's staff: deficit profiles and development tracks."""
