-- Referrals became questionnaire-driven (signpost-core's `questionnaire` and `answers`), and the
-- wellbeing check-in is scored by the service from its items; a client never sends a score.
--
-- Rows stored before this migration were in the first wire format (person, contact, needs): they
-- keep their `body` as it was and have NULL in every new column. Every row stored since names its
-- questionnaire.
ALTER TABLE referrals ADD COLUMN questionnaire_id TEXT;
ALTER TABLE referrals ADD COLUMN questionnaire_version TEXT
    CHECK ((questionnaire_id IS NULL) = (questionnaire_version IS NULL));

-- The check-in, all NULL when it was skipped: the scale, its item responses (1-5, in the scale's
-- order) as a JSON array, the score studies compare (WEMWBS total 14-70, or SWEMWBS metric score
-- 7.00-35.00 from the published conversion table) and the raw sum of the items.
ALTER TABLE referrals ADD COLUMN wellbeing_instrument TEXT
    CHECK (wellbeing_instrument IN ('wemwbs', 'swemwbs'));
ALTER TABLE referrals ADD COLUMN wellbeing_items TEXT
    CHECK (wellbeing_items IS NULL OR (json_valid(wellbeing_items) AND json_type(wellbeing_items) = 'array'));
ALTER TABLE referrals ADD COLUMN wellbeing_score REAL
    CHECK (wellbeing_score IS NULL OR wellbeing_score BETWEEN 7 AND 70);
ALTER TABLE referrals ADD COLUMN wellbeing_raw INTEGER
    CHECK (wellbeing_raw IS NULL OR wellbeing_raw BETWEEN 7 AND 70)
    -- All four or none.
    CHECK ((wellbeing_instrument IS NULL) = (wellbeing_items IS NULL)
       AND (wellbeing_items IS NULL) = (wellbeing_score IS NULL)
       AND (wellbeing_score IS NULL) = (wellbeing_raw IS NULL));
