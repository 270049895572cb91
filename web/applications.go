package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/portal"
)

// AppListView is the secretary's and endorser's list: her applications, and what
// waits for her opinion.
type AppListView struct {
	Mine       []portal.Application
	Inbox      []portal.Application
	IsFiler    bool
	IsEndorser bool
}

// TitleKey names the page after what it holds: the secretary's applications, the
// endorser's inbox, or both.
func (v AppListView) TitleKey() string {
	switch {
	case v.IsEndorser && !v.IsFiler:
		return "app.inbox_page_title"
	case v.IsEndorser:
		return "app.list_both_title"
	}
	return "app.list_title"
}

// AppView is one application's page.
type AppView struct {
	App         portal.Application
	Program     portal.ProgramDetail
	Track       portal.Track
	Org         portal.Org
	Content     portal.AppContent // what is shown: the newest version, or the draft to its filer
	Events      []portal.AppEventRecord
	Versions    []portal.AppVersion
	Attachments []portal.Attachment
	Deadline    time.Time
	CanEdit     bool
	CanEndorse  bool
	CanManage   bool
	CanWithdraw bool
	Form        *Form // the endorsement or manager form, with errors
}

// AppEditView is the application form.
type AppEditView struct {
	App         portal.Application
	Program     portal.ProgramDetail
	Track       portal.Track
	Org         portal.Org
	Attachments []portal.Attachment
	Deadline    time.Time
	Form        *Form
	Steps       int // rows of the plan steps table
	Budget      int // rows of the budget table
	UploadMax   int64
	FileForm    *Form
}

// AppVersionView is one frozen version and what changed since the one before.
type AppVersionView struct {
	App         portal.Application
	Track       portal.Track
	Program     portal.ProgramDetail
	Version     portal.AppVersion
	Changes     []portal.Change
	HasPrevious bool
	Attachments []portal.Attachment
}

// ProgramAppsView is the manager's list of a program's applications.
type ProgramAppsView struct {
	Program   portal.ProgramDetail
	Items     []portal.Application
	Next      int64
	After     int64      // the cursor of this page; 0 on the first
	Query     url.Values // the filter, without the cursor
	ByTrack   []CountRow
	ByCollege []CountRow
	Total     int
	Missing   []portal.Org
	Colleges  []Option
	CanManage bool
	ExtForm   *Form
	ExtOrgs   []Option
}

// CountRow is one line of a count table.
type CountRow struct {
	ID    int64
	Label string
	N     int
}

// NotificationView is one message of the notifications page.
type NotificationView struct {
	At      time.Time
	Message string
	Args    []any
	Link    string
	Read    bool
}

func appURL(id int64) string { return "/applications/" + itoa(id) }

// appStatusBadge returns the badge class of an application status.
func appStatusBadge(s portal.AppStatus) string {
	switch s {
	case portal.AppSubmitted, portal.AppReceived, portal.AppApproved:
		return "badge badge-ok"
	case portal.AppReturned, portal.AppEndorsing:
		return "badge badge-warn"
	case portal.AppRejected, portal.AppWithdrawn:
		return "badge badge-danger"
	}
	return "badge badge-muted"
}

func fen(cents int64) string { return portal.FormatYuan(cents) }

// themeName returns the program's theme name for id, or "".
func themeName(d portal.ProgramDetail, id int64) string {
	th, _ := d.Theme(id)
	return th.Name
}

// changeText writes one side of a change as people read it. The content rules
// (portal.Diff) compare the theme and the attachments by id; here the theme shows
// by its name and the attachments by their file names, one a line.
func changeText(v AppVersionView, ch portal.Change, s string) string {
	if ch.Custom {
		return s
	}
	switch ch.Field {
	case "app.f.theme":
		id, _ := strconv.ParseInt(s, 10, 64)
		return themeName(v.Program, id)
	case "app.f.attachments":
		var ids []int64
		for _, x := range strings.Split(s, ",") {
			if id, err := strconv.ParseInt(x, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		var names []string
		for _, a := range attachmentsOf(v.Attachments, ids) {
			names = append(names, a.Name)
		}
		return strings.Join(names, "\n")
	}
	return s
}

// attachmentsOf returns the attachments whose ids are listed, in that order.
func attachmentsOf(all []portal.Attachment, ids []int64) []portal.Attachment {
	var out []portal.Attachment
	for _, id := range ids {
		for _, a := range all {
			if a.ID == id {
				out = append(out, a)
			}
		}
	}
	return out
}

// sizeStr writes a file size in KB or MB.
func sizeStr(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt((n+1023)/1024, 10) + " KB"
}

func fieldName(prefix string, i int) string { return prefix + "_" + strconv.Itoa(i) }

// noteArgs renders a notification's arguments for its message.
func noteText(ctx context.Context, n NotificationView) string {
	return i18n.T(lang(ctx), n.Message, n.Args...)
}

// eventLabel is the catalogue key of an application event, with the body's kind
// for endorsements.
func eventLabel(e portal.AppEventRecord) string { return "app.ev." + string(e.Event) }

// customValues returns a custom field's values from the content.
func customValues(c portal.AppContent, key string) []string { return c.Custom[key] }

// isChecked reports whether a multiple-choice option is among the form's values.
func isChecked(f *Form, name, option string) bool {
	for _, v := range f.Values[name] {
		if v == option {
			return true
		}
	}
	return false
}

func appTitle(ctx context.Context, a portal.Application) string {
	if a.Title == "" {
		return t(ctx, "app.untitled")
	}
	return a.Title
}

// chainKind returns the kind of body at step i of the program's chain.
func chainKind(p portal.ProgramDetail, i int) portal.OrgKind {
	if i < len(p.Endorsements) {
		return p.Endorsements[i]
	}
	return ""
}

// themeOptions lists the program's themes for a select.
func themeOptions(d portal.ProgramDetail) []Option {
	var out []Option
	for _, th := range d.Themes {
		out = append(out, Option{Value: itoa(th.ID), Label: th.Name})
	}
	return out
}

// plainOptions turns a custom field's options into select options.
func plainOptions(opts []string) []Option {
	out := make([]Option, len(opts))
	for i, o := range opts {
		out[i] = Option{Value: o, Label: o}
	}
	return out
}

// fileFields lists the track's file fields for the upload form, or nil.
func fileFields(tr portal.Track) []Option {
	var out []Option
	for _, f := range tr.Fields {
		if f.Type == portal.FieldFile {
			out = append(out, Option{Value: f.Key, Label: f.Label})
		}
	}
	return out
}

// lastReturn returns the event that last returned the application, while it is
// returned, so that the reason shows at the top of its page; nil otherwise.
func lastReturn(a portal.Application, events []portal.AppEventRecord) *portal.AppEventRecord {
	if a.Status != portal.AppReturned {
		return nil
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Event == portal.EvReturn {
			return &events[i]
		}
	}
	return nil
}
