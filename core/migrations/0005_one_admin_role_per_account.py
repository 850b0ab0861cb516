from django.db import migrations

# 三员分立 in the database: an account may belong to at most one of the three administrator groups, whoever adds it
# (admin, shell or SQL). A trigger, because the rule spans rows of auth's user-group table.
SQL = """
CREATE FUNCTION core_one_admin_role() RETURNS trigger AS $$
DECLARE
    admin_groups text[] := ARRAY['系统管理员', '安全保密管理员', '安全审计员'];
BEGIN
    IF EXISTS (SELECT 1 FROM auth_group g WHERE g.id = NEW.group_id AND g.name = ANY(admin_groups))
       AND EXISTS (SELECT 1 FROM core_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                   WHERE ug.user_id = NEW.user_id AND ug.group_id <> NEW.group_id AND g.name = ANY(admin_groups)) THEN
        RAISE EXCEPTION '三员分立：一个账号只能担任系统管理员、安全保密管理员、安全审计员中的一个角色'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_one_admin_role BEFORE INSERT OR UPDATE ON core_user_groups
    FOR EACH ROW EXECUTE FUNCTION core_one_admin_role();
"""

REVERSE = """
DROP TRIGGER IF EXISTS core_one_admin_role ON core_user_groups;
DROP FUNCTION IF EXISTS core_one_admin_role();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
