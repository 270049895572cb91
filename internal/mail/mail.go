// Package mail sends the portal's mail over SMTP with the standard library's
// net/smtp, and composes the mail that goes with a notification from the
// catalogue, in the recipient's language.
//
// Mail is queued by the store (postgres.Store.Mail, in the transaction that posts
// the notification) and drained by postgres.Store.MailLoop, which hands each mail
// to Sender.Send.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campusorg/portal/internal/i18n"
)

// Config is where and as whom the portal sends mail.
type Config struct {
	// Addr is the server's host:port. Port 465 speaks TLS from the first byte
	// (implicit TLS); on any other port the connection is upgraded with STARTTLS
	// when the server offers it.
	Addr string
	// User and Password authenticate with PLAIN when User is set. net/smtp refuses
	// to send them over a connection that is not encrypted, except to localhost.
	User, Password string
	// From is the sender: "portal@example.edu.cn" or "校园组织工作平台 <portal@example.edu.cn>".
	From string
	// Timeout bounds connecting, and then the whole conversation for one mail.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// TLS, when set, is used instead of the default configuration (which verifies
	// the server's certificate for the host of Addr); tests set it.
	TLS *tls.Config
}

// DefaultTimeout bounds one mail's SMTP conversation.
const DefaultTimeout = 30 * time.Second

// Message is one mail to send.
type Message struct {
	// ID makes the Message-ID header (<ID@sender's domain>). A mail sent again
	// after a crash keeps its ID, so that mail clients may show it once.
	ID      string
	To      string // one address, without a name
	Subject string // one line of text in any script
	Body    string // plain text in any script; lines end with "\n"
}

// Sender sends mail through one SMTP server, one connection per mail.
type Sender struct {
	cfg  Config
	from *mail.Address
	// Now returns the time of the Date header; tests may replace it.
	Now func() time.Time
}

// NewSender checks cfg.From and returns a sender.
func NewSender(cfg Config) (*Sender, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Sender{cfg: cfg, from: from, Now: time.Now}, nil
}

// Send delivers m to the server: it returns nil once the server has accepted the
// message for delivery. It gives up when ctx ends or the timeout passes.
func (s *Sender) Send(ctx context.Context, m Message) (err error) {
	if strings.ContainsAny(m.To, "\r\n<>") {
		return fmt.Errorf("mail: bad recipient %q", m.To)
	}
	data, err := s.Format(m)
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: server address %q: %w", s.cfg.Addr, err)
	}
	tlsConfig := s.cfg.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	d := net.Dialer{Timeout: s.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: connect: %w", err)
	}
	defer conn.Close()
	// One deadline for the whole conversation, and ctx closes the connection.
	if err := conn.SetDeadline(time.Now().Add(s.cfg.Timeout)); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if port == "465" {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("mail: TLS: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(helloName()); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && port != "465" {
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.cfg.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("mail: the server offers no authentication, but PORTAL_SMTP_USER is set")
		}
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, host)); err != nil {
			return fmt.Errorf("mail: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return permanent{fmt.Errorf("mail: RCPT TO %s: %w", m.To, err)}
		}
		return fmt.Errorf("mail: RCPT TO %s: %w", m.To, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	// The server has accepted the message; a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// permanent is a failure that trying again does not mend: the server refused
// the recipient with a 5xx reply (no such mailbox, say). Its Permanent method
// tells the outbox to give the mail up at once.
type permanent struct{ error }

func (p permanent) Permanent() bool { return true }
func (p permanent) Unwrap() error   { return p.error }

// helloName is the name the portal gives in EHLO: the machine's name when it has
// a domain, "localhost" otherwise (as net/smtp does).
func helloName() string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") && !strings.ContainsAny(h, " \r\n") {
		return h
	}
	return "localhost"
}

// Format returns m as an RFC 5322 message: UTF-8 text, base64 encoded, with the
// subject as RFC 2047 encoded words folded onto lines of at most 76 characters,
// and the headers of an automatic mail (Auto-Submitted), so that out-of-office
// replies are not sent back.
func (s *Sender) Format(m Message) ([]byte, error) {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("mail: the subject has a line break")
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", s.fromHeader())
	header("To", "<"+m.To+">")
	header("Subject", encodeSubject(m.Subject))
	header("Date", s.Now().Format(time.RFC1123Z))
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	header("Message-ID", "<"+m.ID+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes(), nil
}

// fromHeader returns the From header's value: the sender's name (encoded when not
// ASCII) and address, the address on its own folded line after an encoded name.
func (s *Sender) fromHeader() string {
	if s.from.Name == "" || isASCII(s.from.Name) {
		return s.from.String()
	}
	return encodeWords(s.from.Name) + "\r\n <" + s.from.Address + ">"
}

// encodeSubject returns a subject for the header: printable ASCII as it is,
// anything else as RFC 2047 encoded words.
func encodeSubject(s string) string {
	if isASCII(s) {
		return s
	}
	return encodeWords(s)
}

// wordBytes is how much text one encoded word carries: 39 bytes make 52 base64
// characters, a word of 64, so that "Subject: " and a word fit in 76 characters.
const wordBytes = 39

// encodeWords encodes s as RFC 2047 "B" encoded words in UTF-8, each holding whole
// characters (a character is never split between words, as RFC 2047 requires),
// one word a line, folded.
func encodeWords(s string) string {
	var words []string
	for s != "" {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > wordBytes {
				break
			}
			n += size
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

// isASCII reports whether s is printable ASCII, which a header carries as it is.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// MaxSubject bounds a subject, in characters; a longer notification is cut.
const MaxSubject = 150

// Compose returns the composer of the mail that goes with a notification, for the
// portal reached at baseURL. The composer writes the subject and body in lang from
// the notification's catalogue key and arguments (as the notifications page shows
// it) and the portal's link, greeting the person by name.
func Compose(baseURL string) func(lang, name, key, link string, args []any) (subject, body string) {
	baseURL = strings.TrimRight(baseURL, "/")
	return func(lang, name, key, link string, args []any) (string, string) {
		l := i18n.Parse(lang)
		text := i18n.T(l, key, args...)
		subject := strings.Join(strings.Fields(i18n.T(l, "mail.subject", text)), " ")
		if utf8.RuneCountInString(subject) > MaxSubject {
			subject = string([]rune(subject)[:MaxSubject-1]) + "…"
		}
		var b strings.Builder
		b.WriteString(i18n.T(l, "mail.greeting", name) + "\n\n")
		b.WriteString(text + "\n\n")
		if link != "" {
			b.WriteString(i18n.T(l, "mail.open", baseURL+link) + "\n\n")
		}
		b.WriteString("-- \n" + i18n.T(l, "mail.footer") + "\n")
		return subject, b.String()
	}
}
