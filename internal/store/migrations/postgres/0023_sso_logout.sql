-- Single logout (issue 16, follow-up). A session remembers how it was signed in and, when through
-- an identity provider, which provider session it belongs to, so that the provider can end it
-- (OIDC back-channel logout by sid or sub, SAML LogoutRequest by SessionIndex and NameID) and
-- signing out of Værn can end the provider's session too (OIDC end_session with the ID token as
-- hint, SAML LogoutRequest). Switching organisation reads auth_method to apply the target's rule.
ALTER TABLE sessions ADD COLUMN auth_method  TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN idp_id       BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN idp_session  TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN idp_subject  TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN idp_id_token TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_idp ON sessions(idp_id, idp_subject);

-- A flow under way is a sign-in ('login') or a single logout waiting for the provider's answer
-- ('logout'); the one is never accepted where the other is expected.
ALTER TABLE sso_states ADD COLUMN kind TEXT NOT NULL DEFAULT 'login';
