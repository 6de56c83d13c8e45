SELECT
  *
FROM (
  SELECT
    "t21"."group",
    SUM("t21"."value") AS "value"
  FROM (
    SELECT
      "t20"."group",
      "t20"."artifact_id",
      SUM("t20"."weight") AS "weight",
      MAX("t20"."value") AS "value"
    FROM (
      SELECT
        COALESCE(
          CASE
            WHEN COALESCE("t6"."owner_country", "t19"."country") IN ('CN', 'HK')
            THEN 'CN'
            ELSE COALESCE("t6"."owner_country", "t19"."country")
          END,
          'XX'
        ) AS "group",
        "t11"."artifact_id",
        "t19"."weight",
        "t11"."created",
        "t15"."value"
      FROM (
        SELECT
          "t0"."artifact_id",
          "t0"."created"
        FROM "artifacts" AS "t0"
        WHERE
          "t0"."source" = 'hf' AND "t0"."kind" = 'model'
      ) AS "t11"
      INNER JOIN (
        SELECT
          *
        FROM (
          SELECT
            *
          FROM (
            SELECT
              CAST("t3"."artifact_id" AS TEXT) AS "artifact_id",
              "t3"."org_id",
              "t3"."country",
              CAST("t3"."weight" AS DOUBLE) AS "weight"
            FROM "attributions" AS "t3"
            WHERE
              "t3"."method" = 'inherited'
          ) AS "t8"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t13"."artifact_id",
              "t13"."org_id",
              "t13"."country",
              "t13"."weight"
            FROM (
              SELECT
                *
              FROM "attributions" AS "t3"
              WHERE
                "t3"."method" IN ('registry', 'unattributed')
            ) AS "t13"
            ANTI JOIN (
              SELECT
                "t3"."artifact_id"
              FROM "attributions" AS "t3"
              WHERE
                "t3"."method" = 'inherited'
            ) AS "t12"
              ON "t13"."artifact_id" = "t12"."artifact_id"
          ) AS "t16"
        ) AS "t17"
      ) AS "t19"
        ON "t11"."artifact_id" = "t19"."artifact_id"
      LEFT OUTER JOIN (
        SELECT
          "t1"."id" AS "org_key",
          "t1"."owner_country",
          "t1"."root_org",
          "t1"."sector"
        FROM "organizations" AS "t1"
      ) AS "t6"
        ON "t19"."org_id" = "t6"."org_key"
      INNER JOIN (
        SELECT
          "t7"."artifact_id",
          FIRST("t7"."value" ORDER BY "t7"."run_id" DESC) AS "value"
        FROM (
          SELECT
            *
          FROM "observations" AS "t2"
          WHERE
            "t2"."metric" = 'downloads_30d' AND STARTS_WITH("t2"."artifact_id", 'hf:model:')
        ) AS "t7"
        GROUP BY
          1
      ) AS "t15"
        ON "t11"."artifact_id" = "t15"."artifact_id"
    ) AS "t20"
    GROUP BY
      1,
      2
  ) AS "t21"
  GROUP BY
    1
) AS "t22";
