// Command portal is the campus organization portal: one binary that migrates its
// database, loads demo data, runs a private PostgreSQL for development, and serves.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campusorg/portal/internal/config"
	"github.com/campusorg/portal/internal/i18n"
	"github.com/campusorg/portal/internal/mail"
	"github.com/campusorg/portal/internal/pgcluster"
	"github.com/campusorg/portal/internal/postgres"
	"github.com/campusorg/portal/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

const usage = `usage: portal COMMAND [flags]

commands:
  run             start a private database if DATABASE_URL is unset, migrate,
                  load the demo data into an empty database, and serve
  serve           migrate and serve (DATABASE_URL required)
  migrate         apply database migrations
  seed            load the demo data if the database is empty
  seed -scale smoke|school|province [-url URL] [-seed N]
                  generate a synthetic data set into its own database (the
                  private cluster's "bench", made afresh; never the demo one)
  bench [-smoke] [-url URL] [-out FILE]
                  benchmark the portal on that data (docs/benchmarks.md)
  db start|stop|wipe|url
                  manage the private cluster in PORTAL_DATA_DIR
  user create-admin -username U -name N -password P
                  create an administrator of the root organization
  user reset-password -username U -password P
                  set a password (the person must change it at next sign-in)
  env             list the configuration variables
`

// run is the whole program, with its inputs passed in so that tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg, stderr)
	if loc, err := time.LoadLocation(cfg.TimeZone); err == nil {
		i18n.Zone = loc
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return runDev(ctx, cfg, log, stdout)
	case "serve":
		if cfg.DatabaseURL == "" {
			return errors.New("serve needs DATABASE_URL (or use `portal run` for a private database)")
		}
		return migrateAndServe(ctx, cfg, log, cfg.DatabaseURL, stdout)
	case "migrate":
		dsn, err := databaseURL(ctx, cfg, log)
		if err != nil {
			return err
		}
		return postgres.Migrate(ctx, dsn)
	case "seed":
		if len(rest) > 0 {
			return seedScale(ctx, cfg, log, rest, stdout)
		}
		dsn, err := databaseURL(ctx, cfg, log)
		if err != nil {
			return err
		}
		return withStore(ctx, cfg, dsn, func(st *postgres.Store) error {
			seeded, err := st.SeedDemo(ctx)
			if err == nil && !seeded {
				fmt.Fprintln(stdout, "the database already holds data; demo data not loaded")
			}
			return err
		})
	case "bench":
		return benchCommand(ctx, cfg, log, rest, stdout)
	case "db":
		return dbCommand(ctx, cfg, log, rest, stdout)
	case "user":
		return userCommand(ctx, cfg, log, rest, stdout)
	case "env":
		for _, v := range config.Vars {
			fmt.Fprintf(stdout, "%-24s %-24s %s\n", v[0], v[1], v[2])
		}
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func clusterOptions(log *slog.Logger) pgcluster.Options {
	return pgcluster.Options{Install: true, Logf: func(format string, args ...any) { log.Info(fmt.Sprintf(format, args...)) }}
}

// databaseURL returns DATABASE_URL, or starts the private cluster and returns its URL.
func databaseURL(ctx context.Context, cfg config.Config, log *slog.Logger) (string, error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, nil
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return "", err
	}
	return pgcluster.Ensure(ctx, dir, "portal", clusterOptions(log))
}

func withStore(ctx context.Context, cfg config.Config, dsn string, fn func(*postgres.Store) error) error {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	pcfg.MaxConns = int32(cfg.DBMaxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(postgres.New(pool))
}

// runDev is `make run`: a private database unless DATABASE_URL is set, migrations,
// demo data on an empty database, then the server until interrupted.
func runDev(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	dsn, err := databaseURL(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, dsn); err != nil {
		return err
	}
	err = withStore(ctx, cfg, dsn, func(st *postgres.Store) error {
		seeded, err := st.SeedDemo(ctx)
		if seeded {
			log.Info("demo data loaded")
		}
		return err
	})
	if err != nil {
		return err
	}
	return migrateAndServe(ctx, cfg, log, dsn, stdout)
}

// migrateAndServe applies migrations and serves until ctx ends, then shuts down
// gracefully, letting requests in flight finish.
func migrateAndServe(ctx context.Context, cfg config.Config, log *slog.Logger, dsn string, stdout io.Writer) error {
	if err := postgres.Migrate(ctx, dsn); err != nil {
		return err
	}
	return withStore(ctx, cfg, dsn, func(st *postgres.Store) error {
		if loc, err := time.LoadLocation(cfg.TimeZone); err == nil {
			st.Zone = loc
		}
		srv := server.New(st, log, server.Options{
			SessionLifetime:   cfg.SessionLifetime,
			IdleTimeout:       cfg.IdleTimeout,
			SecureCookies:     cfg.SecureCookies,
			UploadMaxBytes:    int64(cfg.UploadMaxMB) << 20,
			UploadConcurrency: cfg.UploadSlots,
			MailEnabled:       cfg.SMTP.Enabled(),
		})
		hs := &http.Server{
			Addr:              cfg.Addr,
			Handler:           srv.Handler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       5 * time.Minute, // uploads on slow campus links
			WriteTimeout:      5 * time.Minute,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    1 << 20,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return err
		}
		if err := startMail(ctx, cfg, log, st); err != nil {
			return err
		}
		st.Start(ctx, log)
		go st.ReminderLoop(ctx, log, 5*time.Minute) // reminders; one instance at a time (a PostgreSQL lock)
		printWelcome(stdout, cfg)
		errc := make(chan error, 1)
		go func() { errc <- hs.Serve(ln) }()
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	})
}

// startMail, when an SMTP server is configured, makes the reminder job queue mail
// and starts the sender that drains the outbox every 30 seconds (every instance
// runs one; each mail goes to one of them). Without a server no mail is queued.
func startMail(ctx context.Context, cfg config.Config, log *slog.Logger, st *postgres.Store) error {
	if !cfg.SMTP.Enabled() {
		return nil
	}
	sender, err := mail.NewSender(mail.Config{Addr: cfg.SMTP.Addr, User: cfg.SMTP.User, Password: cfg.SMTP.Password, From: cfg.SMTP.From})
	if err != nil {
		return err
	}
	st.Mail = mail.Compose(cfg.BaseURL)
	send := func(ctx context.Context, m postgres.OutboxMail) error {
		return sender.Send(ctx, mail.Message{ID: m.MessageID, To: m.To, Subject: m.Subject, Body: m.Body})
	}
	go st.MailLoop(ctx, log, send, 30*time.Second)
	log.Info("mail on", "smtp", cfg.SMTP.Addr, "from", cfg.SMTP.From)
	return nil
}

func printWelcome(w io.Writer, cfg config.Config) {
	fmt.Fprintf(w, "\n  校园组织工作平台 · Campus Organization Portal\n  %s\n\n", cfg.BaseURL)
	fmt.Fprintf(w, "  Demo accounts (password %q):\n", postgres.DemoPassword)
	for _, p := range postgres.DemoAccounts() {
		fmt.Fprintf(w, "    %-16s %s\n", p[0], p[1])
	}
	fmt.Fprintln(w, "\n  Ctrl-C stops the portal; the database keeps running (make db-stop stops it).")
}

func dbCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: portal db start|stop|wipe|url")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	switch args[0] {
	case "start", "url":
		dsn, err := pgcluster.Ensure(ctx, dir, "portal", clusterOptions(log))
		if err != nil {
			return err
		}
		if args[0] == "url" {
			fmt.Fprintln(stdout, dsn)
		}
		return nil
	case "stop":
		return pgcluster.Stop(ctx, dir, clusterOptions(log))
	case "wipe":
		return pgcluster.Wipe(ctx, dir, clusterOptions(log))
	}
	return fmt.Errorf("unknown db command %q", args[0])
}

func userCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: portal user create-admin|reset-password ...")
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	username := fs.String("username", "", "account name")
	name := fs.String("name", "", "display name (create-admin)")
	password := fs.String("password", "", "password")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if strings.TrimSpace(*username) == "" || *password == "" {
		return errors.New("-username and -password are required")
	}
	dsn, err := databaseURL(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, dsn); err != nil {
		return err
	}
	return withStore(ctx, cfg, dsn, func(st *postgres.Store) error {
		switch args[0] {
		case "create-admin":
			if err := st.CreateRootAdmin(ctx, *username, *name, *password); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "administrator %s created\n", *username)
			return nil
		case "reset-password":
			if err := st.SetPasswordByUsername(ctx, *username, *password); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "password of %s reset; it must be changed at next sign-in\n", *username)
			return nil
		}
		return fmt.Errorf("unknown user command %q", args[0])
	})
}
