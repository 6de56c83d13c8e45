SELECT
  *
FROM (
  SELECT
    "t18"."period",
    "t18"."group",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t17"."group",
      "t17"."artifact_id",
      "t17"."weight",
      "t17"."created",
      CAST(EXTRACT(year FROM "t17"."created") AS TEXT) || '-' || CASE
        WHEN 2 <= LENGTH(CAST(EXTRACT(month FROM "t17"."created") AS TEXT))
        THEN CAST(EXTRACT(month FROM "t17"."created") AS TEXT)
        ELSE REPEAT('0', 2 - LENGTH(CAST(EXTRACT(month FROM "t17"."created") AS TEXT))) || CAST(EXTRACT(month FROM "t17"."created") AS TEXT)
      END AS "period"
    FROM (
      SELECT
        "t16"."group",
        "t16"."artifact_id",
        SUM("t16"."weight") AS "weight",
        MIN("t16"."created") AS "created"
      FROM (
        SELECT
          COALESCE(
            CASE
              WHEN COALESCE("t5"."owner_country", "t15"."country") IN ('CN', 'HK')
              THEN 'CN'
              ELSE COALESCE("t5"."owner_country", "t15"."country")
            END,
            'XX'
          ) AS "group",
          "t9"."artifact_id",
          "t15"."weight",
          "t9"."created"
        FROM (
          SELECT
            "t0"."artifact_id",
            "t0"."created"
          FROM "artifacts" AS "t0"
          WHERE
            "t0"."source" = 'hf' AND "t0"."kind" = 'model'
        ) AS "t9"
        INNER JOIN (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                CAST("t2"."artifact_id" AS TEXT) AS "artifact_id",
                "t2"."org_id",
                "t2"."country",
                CAST("t2"."weight" AS DOUBLE) AS "weight"
              FROM "attributions" AS "t2"
              WHERE
                "t2"."method" = 'inherited'
            ) AS "t6"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t11"."artifact_id",
                "t11"."org_id",
                "t11"."country",
                "t11"."weight"
              FROM (
                SELECT
                  *
                FROM "attributions" AS "t2"
                WHERE
                  "t2"."method" IN ('registry', 'unattributed')
              ) AS "t11"
              ANTI JOIN (
                SELECT
                  "t2"."artifact_id"
                FROM "attributions" AS "t2"
                WHERE
                  "t2"."method" = 'inherited'
              ) AS "t10"
                ON "t11"."artifact_id" = "t10"."artifact_id"
            ) AS "t12"
          ) AS "t13"
        ) AS "t15"
          ON "t9"."artifact_id" = "t15"."artifact_id"
        LEFT OUTER JOIN (
          SELECT
            "t1"."id" AS "org_key",
            "t1"."owner_country",
            "t1"."root_org",
            "t1"."sector"
          FROM "organizations" AS "t1"
        ) AS "t5"
          ON "t15"."org_id" = "t5"."org_key"
      ) AS "t16"
      GROUP BY
        1,
        2
    ) AS "t17"
    WHERE
      "t17"."created" IS NOT NULL
  ) AS "t18"
  GROUP BY
    1,
    2
) AS "t19";
