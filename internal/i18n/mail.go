package i18n

// E-mail: the address on an account, the account page where a person sets it, and
// the mail the portal sends with its reminders.
func init() {
	add(map[string]msg{
		"user.email":         {"电子邮箱", "E-mail"},
		"user.email_help":    {"选填。填写后，平台发给本人的提醒也会发到这个邮箱。", "Optional. The portal's reminders to this person also go to this address."},
		"user.email_invalid": {"请填写有效的电子邮箱地址，例如 name@example.edu.cn。", "Enter a valid e-mail address such as name@example.edu.cn."},
		"user.email_taken":   {"该邮箱已被其他账号使用。", "Another account has this e-mail address."},
		"user.email_none":    {"未填写", "None"},
		"user.email_saved":   {"电子邮箱已保存。", "The e-mail address has been saved."},
		"user.email_save":    {"保存邮箱", "Save e-mail"},

		"account.title":         {"账户设置", "Account"},
		"account.email_help":    {"选填。填写后，平台发给您的提醒也会发到这个邮箱；清空即不再收到邮件。", "Optional. The portal's reminders to you also go to this address; clear it to get no mail."},
		"account.mail_off":      {"本平台暂未开通邮件发送，提醒只在平台的“消息”中显示。", "This portal sends no mail at present; reminders show under Messages only."},
		"account.password_link": {"修改密码", "Change password"},

		"import.col.people.email": {"电子邮箱，选填；填写后平台的提醒也会发到该邮箱，不能与已有账号重复。", "E-mail address, optional; the portal's reminders also go there. Not used by another account."},

		"audit.user.set_email": {"修改电子邮箱", "Changed e-mail address"},
		"audit.mail.give_up":   {"邮件多次发送失败，已放弃", "Gave up sending a mail"},

		// The mail that goes with a notification. %s in mail.subject is the
		// notification's text; in mail.greeting the person's name; in mail.open the
		// page's address.
		"mail.subject":  {"【校园组织工作平台】%s", "[Campus Organization Portal] %s"},
		"mail.greeting": {"%s，您好：", "Dear %s,"},
		"mail.open":     {"在平台中查看：%s", "Open it in the portal: %s"},
		"mail.footer": {"此邮件由校园组织工作平台自动发送，请勿直接回复。如不想再收到邮件，请在平台的“账户设置”中清空电子邮箱。",
			"This mail was sent by the Campus Organization Portal; please do not reply to it. To get no more mail, clear the e-mail address on your Account page."},
	})
}
