-- The bot's DM channel with a member, once Discord gave it (POST /users/@me/channels).
-- Without it every reminder DM first asked Discord for the channel again, through a
-- route bucket of 5 requests a second shared by every DM: 1,000 communities' reminders
-- took 4x the time the global limit allows (found by `python -m benchmarks`).
-- discord.py keeps only 128 DM channels in memory, and nothing across restarts.
ALTER TABLE members ADD COLUMN dm_channel_id INTEGER;
