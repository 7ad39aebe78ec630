"""Shell integration: completion scripts and man pages generated from the command tree."""
