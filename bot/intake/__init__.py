"""The reference application intake service (docs/intake-openapi.yaml); see bot.intake.app."""
