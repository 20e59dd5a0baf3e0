-- An assisted referral records the organisation that helped (e.g. a foodbank), so that
-- evaluations can tell assisted wellbeing answers from unassisted ones. signpost-core requires it
-- for `channel = 'assisted'` and refuses it for `channel = 'self'`.
--
-- Assisted referrals stored before this migration have NULL here: who helped was not recorded.
-- A self-referral never has one.
ALTER TABLE referrals ADD COLUMN organisation TEXT
    CHECK (organisation IS NULL OR (channel = 'assisted' AND length(organisation) BETWEEN 1 AND 100));
