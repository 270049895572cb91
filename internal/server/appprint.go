package server

import (
	"net/http"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/web"
)

// applicationPrint shows one application as the paper application form (申报表),
// ready to print, to anyone who may read the application (not found otherwise).
func (s *Server) applicationPrint(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	d, err := s.store.GetApplication(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return s.page(w, r, web.AppPrintPage(s.chrome(r, "nav.applications", "print.page_title"), appPrintView(d)))
}

// appPrintView lays an application out for the paper form. It prints the newest sent
// version with the League figures frozen with it; an application never sent prints
// its draft with the organization's current figures. Each body of the program's
// endorsement chain gets a box, filled from the newest endorsement at that step of
// the printed version, or left blank to be signed by hand.
func appPrintView(d postgres.AppDetail) web.AppPrintView {
	v := web.AppPrintView{AppID: d.App.ID, ProgramTitle: d.Program.Title, OrgName: d.App.OrgName, TrackName: d.Track.Name,
		Content: d.App.Content, Figures: portal.FiguresOf(d.Org), Draft: true}
	if len(d.Versions) > 0 {
		nv := d.Versions[0]
		v.Content, v.Figures, v.Draft = nv.Content, nv.Content.Figures, false
		v.Version, v.SentAt, v.SentBy = nv.Number, nv.SentAt, nv.SentByName
	}
	if th, ok := d.Program.Theme(v.Content.ThemeID); ok {
		v.ThemeName = th.Name
	}
	files := map[int64]portal.Attachment{}
	for _, at := range d.Attachments {
		files[at.ID] = at
	}
	byField := map[string][]string{}
	for _, aid := range v.Content.Attachments {
		if at, ok := files[aid]; ok {
			byField[at.FieldKey] = append(byField[at.FieldKey], at.Name)
		}
	}
	v.Files = byField[""]
	for _, f := range d.Track.Fields {
		pf := web.PrintField{Label: f.Label, Values: v.Content.Custom[f.Key], Date: f.Type == portal.FieldDate}
		if f.Type == portal.FieldFile {
			pf.Values = byField[f.Key]
		}
		v.Custom = append(v.Custom, pf)
	}
	for step, kind := range d.Program.Endorsements {
		box := web.OpinionBox{Kind: kind}
		for _, e := range d.Events {
			// Events run oldest first: the last match is the newest endorsement.
			if !v.Draft && e.Event == portal.EvEndorse && e.Step == step && e.VersionNumber == v.Version {
				box.Signed, box.Body, box.Opinion, box.Signer, box.On = true, e.OrgName, e.Note, e.ActorName, e.At
			}
		}
		v.Opinions = append(v.Opinions, box)
	}
	return v
}
