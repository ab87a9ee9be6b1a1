-- The language a member's direct messages are written in: their own choice (/me language),
-- else the language their chat client speaks, as last seen when they acted, else the
-- community's.
--   language         'fr' or 'en' chosen by the member; NULL follows their client
--   client_language  'fr' or 'en' their client spoke at their last interaction; NULL unknown
ALTER TABLE members ADD COLUMN language TEXT COLLATE "C" CHECK (language IN ('fr', 'en'));
ALTER TABLE members ADD COLUMN client_language TEXT COLLATE "C"
    CHECK (client_language IN ('fr', 'en'));
