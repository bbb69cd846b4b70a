"""wecom-suite."""
