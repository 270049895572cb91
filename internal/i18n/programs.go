package i18n

// Programs, eligibility and applications.
func init() {
	add(map[string]msg{
		"app.bad_transition": {"当前状态（%s）下不能执行此操作（%s）。", "This cannot be done (%[2]s) while the application is %[1]s."},

		"elig.not_open":        {"该项目当前未开放申报。", "This program is not open for applications."},
		"elig.org_inactive":    {"本组织已停用。", "This organization is deactivated."},
		"elig.wrong_kind":      {"本赛道不接受“%s”类组织申报。", "This track does not accept applications from a %s."},
		"elig.age_unknown":     {"本赛道要求组织成立满 %d 年，但本组织未填写成立日期。", "This track requires the organization to be at least %d years old, and its founding date is not recorded."},
		"elig.too_young":       {"本赛道要求组织成立满 %d 年。", "This track requires the organization to be at least %d years old."},
		"elig.barred":          {"因验收未通过，%s 前不得申报此类项目。", "After a failed acceptance, the organization may not apply to this kind of program until %s."},
		"elig.limit_reached":   {"每个组织在本赛道最多申报 %d 项，已达上限。", "Each organization may file at most %d applications in this track; the limit is reached."},
		"elig.deadline_passed": {"申报截止时间（%s）已过。", "The deadline (%s) has passed."},

		"form.one_value": {"此项只能填写一个值。", "This field takes one value."},
	})
}
