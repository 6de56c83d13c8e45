SELECT
  "t13"."period",
  "t13"."group",
  CASE WHEN "t13"."total" > 0 THEN "t13"."part" / "t13"."total" ELSE NULL END AS "value"
FROM (
  SELECT
    "t12"."period",
    "t12"."group",
    "t12"."part",
    SUM("t12"."part") OVER (
      PARTITION BY "t12"."period"
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "total"
  FROM (
    SELECT
      "t11"."period",
      "t11"."group",
      SUM("t11"."weight") AS "part"
    FROM (
      SELECT
        "t10"."group",
        "t10"."artifact_id",
        "t10"."weight",
        "t10"."created",
        CAST(EXTRACT(year FROM "t10"."created") AS TEXT) || '-' || CASE
          WHEN 2 <= LENGTH(CAST(EXTRACT(month FROM "t10"."created") AS TEXT))
          THEN CAST(EXTRACT(month FROM "t10"."created") AS TEXT)
          ELSE REPEAT('0', 2 - LENGTH(CAST(EXTRACT(month FROM "t10"."created") AS TEXT))) || CAST(EXTRACT(month FROM "t10"."created") AS TEXT)
        END AS "period"
      FROM (
        SELECT
          "t9"."group",
          "t9"."artifact_id",
          SUM("t9"."weight") AS "weight",
          MIN("t9"."created") AS "created"
        FROM (
          SELECT
            COALESCE(
              CASE
                WHEN COALESCE("t6"."owner_country", "t8"."country") IN ('CN', 'HK')
                THEN 'CN'
                ELSE COALESCE("t6"."owner_country", "t8"."country")
              END,
              'XX'
            ) AS "group",
            "t7"."artifact_id",
            "t8"."weight",
            "t7"."created"
          FROM (
            SELECT
              "t0"."artifact_id",
              "t0"."created"
            FROM "artifacts" AS "t0"
            WHERE
              "t0"."source" = 'hf' AND "t0"."kind" = 'model'
          ) AS "t7"
          INNER JOIN (
            SELECT
              "t1"."artifact_id",
              "t1"."org_id",
              "t1"."country",
              "t1"."weight"
            FROM "attributions" AS "t1"
            WHERE
              "t1"."method" = 'inherited'
          ) AS "t8"
            ON "t7"."artifact_id" = "t8"."artifact_id"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "org_key",
              "t2"."owner_country",
              "t2"."root_org",
              "t2"."sector"
            FROM "organizations" AS "t2"
          ) AS "t6"
            ON "t8"."org_id" = "t6"."org_key"
        ) AS "t9"
        GROUP BY
          1,
          2
      ) AS "t10"
      WHERE
        "t10"."created" IS NOT NULL
    ) AS "t11"
    GROUP BY
      1,
      2
  ) AS "t12"
) AS "t13";
