"""The wizard: a Textual app that walks the whole go-live, saves as it goes and resumes anywhere.

Only `golive.cli.wizard_commands` imports this package, inside its handlers: headless commands
never load Textual.
"""
