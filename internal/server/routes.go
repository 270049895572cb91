package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/campusorg/portal/web"
)

// Handler returns the portal's HTTP handler: every route of the portal is here, so
// that a reader finds any feature in one hop from this file.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.recoverPanics, s.logRequests, securityHeaders, s.crossOrigin)

	// Unauthenticated, sessionless routes.
	r.Get("/healthz", s.h(s.healthz))
	r.Get("/static/*", web.StaticHandler().ServeHTTP)

	r.Group(func(r chi.Router) {
		r.Use(s.sessions.LoadAndSave, s.loadActor, takeFlash)
		r.NotFound(s.h(notFound))
		r.MethodNotAllowed(s.h(notFound))

		// Anyone.
		r.Get("/login", s.h(s.loginForm))
		r.Post("/login", s.h(s.login))
		r.Post("/lang", s.h(s.setLang))

		// Signed-in people. What each may do is decided by portal.Can in the store.
		r.Group(func(r chi.Router) {
			r.Use(s.requireSignIn)
			r.Get("/", s.h(s.home))
			r.Post("/logout", s.h(s.logout))
			r.Get("/account/password", s.h(s.passwordForm))
			r.Post("/account/password", s.h(s.changePassword))

			r.Get("/orgs", s.h(s.orgIndex))
			r.Get("/orgs/{id}", s.h(s.orgShow))
			r.Get("/orgs/{id}/new", s.h(s.orgNewForm))
			r.Post("/orgs/{id}/new", s.h(s.orgCreate))
			r.Get("/orgs/{id}/edit", s.h(s.orgEditForm))
			r.Post("/orgs/{id}/edit", s.h(s.orgUpdate))
			r.Get("/orgs/{id}/move", s.h(s.orgMoveForm))
			r.Post("/orgs/{id}/move", s.h(s.orgMove))
			r.Post("/orgs/{id}/deactivate", s.h(s.orgDeactivate))
			r.Post("/orgs/{id}/reactivate", s.h(s.orgReactivate))

			r.Get("/users", s.h(s.userIndex))
			r.Get("/users/new", s.h(s.userNewForm))
			r.Post("/users", s.h(s.userCreate))
			r.Get("/users/{id}", s.h(s.userShow))
			r.Post("/users/{id}/disable", s.h(s.userDisable))
			r.Post("/users/{id}/enable", s.h(s.userEnable))
			r.Post("/users/{id}/password", s.h(s.userResetPassword))
			r.Post("/users/{id}/grants", s.h(s.grantAdd))
			r.Post("/users/{id}/grants/{gid}/revoke", s.h(s.grantRevoke))

			// Programs.
			r.Get("/programs", s.h(s.programIndex))
			r.Get("/programs/new", s.h(s.programNewForm))
			r.Post("/programs/new", s.h(s.programCreate))
			r.Get("/programs/{id}", s.h(s.programShow))
			r.Get("/programs/{id}/edit", s.h(s.programEditForm))
			r.Post("/programs/{id}/edit", s.h(s.programUpdate))
			r.Post("/programs/{id}/status", s.h(s.programStatus))
			r.Post("/programs/{id}/copy", s.h(s.programCopy))
			r.Get("/programs/{id}/tracks/new", s.h(s.trackNewForm))
			r.Post("/programs/{id}/tracks/new", s.h(s.trackCreate))
			r.Get("/programs/{id}/tracks/{tid}/edit", s.h(s.trackEditForm))
			r.Post("/programs/{id}/tracks/{tid}/edit", s.h(s.trackUpdate))
			r.Post("/programs/{id}/tracks/{tid}/delete", s.h(s.trackDelete))
			r.Post("/programs/{id}/themes", s.h(s.themeAdd))
			r.Post("/programs/{id}/themes/{thid}/delete", s.h(s.themeDelete))

			r.Get("/import", s.h(s.importPage))
			r.Get("/import/template.xlsx", s.h(s.importTemplate))
			r.Post("/import", s.h(s.importUpload))

			// Applications: filing, endorsement, the manager's list and exports.
			r.Get("/applications", s.h(s.appList))
			r.Post("/programs/{id}/apply", s.h(s.programApply))
			r.Get("/programs/{id}/applications", s.h(s.programApps))
			r.Get("/programs/{id}/applications.xlsx", s.h(s.exportApplications))
			r.Post("/programs/{id}/extensions", s.h(s.programExtend))
			r.Get("/applications/{id}", s.h(s.appShow))
			r.Get("/applications/{id}/edit", s.h(s.appEditForm))
			r.Post("/applications/{id}/edit", s.h(s.appUpdate))
			r.Post("/applications/{id}/send", s.h(s.appSend))
			r.Post("/applications/{id}/endorse", s.h(s.appEndorse))
			r.Post("/applications/{id}/manage", s.h(s.appManage))
			r.Post("/applications/{id}/withdraw", s.h(s.appWithdraw))
			r.Post("/applications/{id}/attachments", s.h(s.appUpload))
			r.Post("/applications/{id}/attachments/{aid}/remove", s.h(s.appRemoveFile))
			r.Get("/applications/{id}/versions/{n}", s.h(s.appVersion))
			r.Get("/applications/{id}/print", s.h(s.applicationPrint))
			r.Get("/attachments/{id}", s.h(s.attachmentDownload))
			r.Get("/notifications", s.h(s.notificationsPage))
			r.Post("/notifications/read", s.h(s.notificationsRead))

			// Review rounds: rubrics, reviewers, scoring, results, decisions, 公示.
			r.Get("/programs/{id}/rounds", s.h(s.roundList))
			r.Get("/programs/{id}/rounds/new", s.h(s.roundNewForm))
			r.Post("/programs/{id}/rounds", s.h(s.roundCreate))
			r.Get("/rounds/{id}", s.h(s.roundShow))
			r.Post("/rounds/{id}/status", s.h(s.roundStatus))
			r.Post("/rounds/{id}/assign", s.h(s.roundAssign))
			r.Post("/rounds/{id}/assignment", s.h(s.roundAssignment))
			r.Post("/rounds/{id}/reviewers", s.h(s.roundReviewers))
			r.Post("/rounds/{id}/remind", s.h(s.roundRemind))
			r.Post("/rounds/{id}/presentation", s.h(s.roundPresentation))
			r.Post("/rounds/{id}/sheets/{sid}/reopen", s.h(s.roundReopen))
			r.Get("/rounds/{id}/results", s.h(s.roundResults))
			r.Post("/rounds/{id}/decide", s.h(s.roundDecide))
			r.Post("/rounds/{id}/auto", s.h(s.roundAuto))
			r.Get("/rounds/{id}/scores.xlsx", s.h(s.exportScoreSheet))
			r.Get("/rounds/{id}/results.xlsx", s.h(s.exportResults))
			r.Get("/rounds/{id}/notice", s.h(s.roundNotice))
			r.Get("/rounds/{id}/publication", s.h(s.publication))
			r.Post("/rounds/{id}/objections", s.h(s.objectionRaise))
			r.Post("/rounds/{id}/objections/{oid}/answer", s.h(s.objectionAnswer))
			r.Get("/publications", s.h(s.publications))
			r.Get("/reviews", s.h(s.myReviews))
			r.Get("/reviews/{id}", s.h(s.sheetShow))
			r.Post("/reviews/{id}", s.h(s.sheetSave))
			r.Post("/reviews/{id}/decline", s.h(s.sheetDecline))
			r.Get("/reviews/{id}/files/{fid}", s.h(s.sheetFile))

			r.Get("/audit", s.h(s.auditIndex))
		})
	})
	return r
}
