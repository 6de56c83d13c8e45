SELECT
  *
FROM (
  SELECT
    "t17"."period",
    "t17"."group",
    "t17"."relation",
    CAST(COUNT(*) AS DOUBLE) AS "value"
  FROM (
    SELECT
      "t16"."group",
      "t16"."artifact_id",
      "t16"."weight",
      "t16"."created",
      "t16"."relation",
      CAST(EXTRACT(year FROM "t16"."created") AS TEXT) || '-' || CASE
        WHEN 2 <= LENGTH(CAST(EXTRACT(month FROM "t16"."created") AS TEXT))
        THEN CAST(EXTRACT(month FROM "t16"."created") AS TEXT)
        ELSE REPEAT('0', 2 - LENGTH(CAST(EXTRACT(month FROM "t16"."created") AS TEXT))) || CAST(EXTRACT(month FROM "t16"."created") AS TEXT)
      END AS "period"
    FROM (
      SELECT
        "t15"."group",
        "t15"."artifact_id",
        "t15"."weight",
        "t15"."created",
        "t12"."relation"
      FROM (
        SELECT
          "t13"."group",
          "t13"."artifact_id",
          SUM("t13"."weight") AS "weight",
          MIN("t13"."created") AS "created"
        FROM (
          SELECT
            COALESCE(
              CASE
                WHEN COALESCE("t7"."owner_country", "t10"."country") IN ('CN', 'HK')
                THEN 'CN'
                ELSE COALESCE("t7"."owner_country", "t10"."country")
              END,
              'XX'
            ) AS "group",
            "t9"."artifact_id",
            "t10"."weight",
            "t9"."created"
          FROM (
            SELECT
              "t1"."artifact_id",
              "t1"."created"
            FROM "artifacts" AS "t1"
            WHERE
              "t1"."source" = 'hf' AND "t1"."kind" = 'model'
          ) AS "t9"
          INNER JOIN (
            SELECT
              "t2"."artifact_id",
              "t2"."org_id",
              "t2"."country",
              "t2"."weight"
            FROM "attributions" AS "t2"
            WHERE
              "t2"."method" = 'inherited'
          ) AS "t10"
            ON "t9"."artifact_id" = "t10"."artifact_id"
          LEFT OUTER JOIN (
            SELECT
              "t3"."id" AS "org_key",
              "t3"."owner_country",
              "t3"."root_org",
              "t3"."sector"
            FROM "organizations" AS "t3"
          ) AS "t7"
            ON "t10"."org_id" = "t7"."org_key"
        ) AS "t13"
        GROUP BY
          1,
          2
      ) AS "t15"
      INNER JOIN (
        SELECT
          "t8"."artifact_id",
          CASE
            WHEN "t8"."is_quantized"
            THEN 'quantized'
            WHEN "t8"."is_adapter"
            THEN 'adapter'
            WHEN "t8"."is_merge"
            THEN 'merge'
            WHEN "t8"."is_finetune"
            THEN 'finetune'
            ELSE 'unknown'
          END AS "relation"
        FROM (
          SELECT
            "t0"."child_id" AS "artifact_id",
            BOOL_OR(CAST("t0"."relation" = 'quantized' AS BOOLEAN)) AS "is_quantized",
            BOOL_OR(CAST("t0"."relation" = 'adapter' AS BOOLEAN)) AS "is_adapter",
            BOOL_OR(CAST("t0"."relation" = 'merge' AS BOOLEAN)) AS "is_merge",
            BOOL_OR(CAST("t0"."relation" = 'finetune' AS BOOLEAN)) AS "is_finetune"
          FROM "lineage" AS "t0"
          GROUP BY
            1
        ) AS "t8"
      ) AS "t12"
        ON "t15"."artifact_id" = "t12"."artifact_id"
    ) AS "t16"
    WHERE
      "t16"."created" IS NOT NULL
  ) AS "t17"
  GROUP BY
    1,
    2,
    3
) AS "t18";
