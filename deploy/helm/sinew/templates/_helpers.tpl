{{/* The release's base name for every object: the release name, with "-sinew" unless it says so already. */}}
{{- define "sinew.fullname" -}}
{{- if contains "sinew" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-sinew" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sinew.labels" -}}
app.kubernetes.io/name: sinew
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one role (api, worker, scheduler, migrate). */}}
{{- define "sinew.selector" -}}
app.kubernetes.io/name: sinew
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "sinew.secretName" -}}
{{- default (printf "%s-secrets" (include "sinew.fullname" .)) .Values.secret.existingSecret -}}
{{- end -}}

{{/* Environment shared by every Sinew container: the Secret's keys, then the plain settings. */}}
{{- define "sinew.env" -}}
envFrom:
  - secretRef:
      name: {{ include "sinew.secretName" . }}
env:
{{- range $name, $value := .Values.env }}
  - name: {{ $name }}
    value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Prometheus scrape annotations for a pod serving /metrics on `port`. */}}
{{- define "sinew.scrapeAnnotations" -}}
{{- if .root.Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}

{{/* Probes on /health (alive) and /ready (store and queue reachable) of the named port. */}}
{{- define "sinew.probes" -}}
livenessProbe:
  httpGet: { path: /health, port: {{ . }} }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 6
readinessProbe:
  httpGet: { path: /ready, port: {{ . }} }
  periodSeconds: 10
  timeoutSeconds: 3
{{- end -}}

{{/* Pod-level settings every role shares. */}}
{{- define "sinew.podSpec" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  # SINEW_DATA_DIR: scratch only in production mode (the store is PostgreSQL, job data is in S3).
  - name: data
    emptyDir: {}
{{- end -}}
