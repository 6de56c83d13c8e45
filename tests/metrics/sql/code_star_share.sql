WITH "t14" AS (
  SELECT
    "t13"."group",
    "t13"."artifact_id",
    SUM("t13"."weight") AS "weight",
    MAX("t13"."value") AS "value",
    MIN("t13"."created") AS "created"
  FROM (
    SELECT
      COALESCE(
        CASE
          WHEN COALESCE("t6"."owner_country", "t9"."country") IN ('CN', 'HK')
          THEN 'CN'
          ELSE COALESCE("t6"."owner_country", "t9"."country")
        END,
        'XX'
      ) AS "group",
      "t10"."artifact_id",
      "t9"."weight",
      "t10"."created",
      "t10"."license_class",
      "t12"."value"
    FROM (
      SELECT
        "t0"."artifact_id",
        "t0"."created",
        COALESCE("t0"."license_class", 'unknown') AS "license_class"
      FROM "artifacts" AS "t0"
      WHERE
        "t0"."source" = 'github'
        AND "t0"."kind" = 'repo'
        AND NOT (
          ARRAY_CONTAINS("t0"."tags", 'fork')
        )
    ) AS "t10"
    INNER JOIN (
      SELECT
        "t1"."artifact_id",
        "t1"."org_id",
        "t1"."country",
        "t1"."weight"
      FROM "attributions" AS "t1"
      WHERE
        "t1"."method" IN ('registry', 'unattributed')
        AND STARTS_WITH("t1"."artifact_id", 'github:repo:')
    ) AS "t9"
      ON "t10"."artifact_id" = "t9"."artifact_id"
    LEFT OUTER JOIN (
      SELECT
        "t2"."id" AS "org_key",
        "t2"."owner_country",
        "t2"."root_org",
        "t2"."sector"
      FROM "organizations" AS "t2"
    ) AS "t6"
      ON "t9"."org_id" = "t6"."org_key"
    INNER JOIN (
      SELECT
        "t7"."artifact_id",
        FIRST("t7"."value" ORDER BY "t7"."run_id" DESC) AS "value"
      FROM (
        SELECT
          *
        FROM "observations" AS "t3"
        WHERE
          "t3"."metric" = 'stars' AND STARTS_WITH("t3"."artifact_id", 'github:repo:')
      ) AS "t7"
      GROUP BY
        1
    ) AS "t12"
      ON "t10"."artifact_id" = "t12"."artifact_id"
  ) AS "t13"
  GROUP BY
    1,
    2
)
SELECT
  *
FROM (
  SELECT
    "t18"."group",
    CASE WHEN "t20"."total" > 0 THEN "t18"."part" / "t20"."total" ELSE NULL END AS "value"
  FROM (
    SELECT
      "t15"."group",
      SUM("t15"."value" * "t15"."weight") AS "part"
    FROM "t14" AS "t15"
    GROUP BY
      1
  ) AS "t18"
  CROSS JOIN (
    SELECT
      SUM("t16"."value") AS "total"
    FROM (
      SELECT
        "t15"."artifact_id",
        MAX("t15"."value") AS "value"
      FROM "t14" AS "t15"
      GROUP BY
        1
    ) AS "t16"
  ) AS "t20"
) AS "t21";
