"""Discord adapters: parse an interaction, call a service, render the result."""
