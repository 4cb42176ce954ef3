package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/edgeroute/edgeroute/eval"
)

// The Kubernetes manifests and Slurm scripts of deploy/ are checked field
// by field, then run here as their scheduler would run them, on the
// 40-question GSM8K and use-lite: every shard, then the merge and the
// replay from the merged cache only.

// The fields of deploy/kubernetes the manifests use; decoding refuses any
// other, so a misspelt field fails here rather than on a cluster.
type (
	k8sObject struct {
		APIVersion string                `yaml:"apiVersion"`
		Kind       string                `yaml:"kind"`
		Metadata   struct{ Name string } `yaml:"metadata"`
		Spec       k8sSpec               `yaml:"spec"`
	}
	k8sSpec struct {
		// PersistentVolumeClaim
		AccessModes []string     `yaml:"accessModes"`
		Resources   k8sResources `yaml:"resources"`
		// Job
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		BackoffLimit   *int   `yaml:"backoffLimit"`
		Template       struct {
			Spec struct {
				RestartPolicy string         `yaml:"restartPolicy"`
				Containers    []k8sContainer `yaml:"containers"`
				Volumes       []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	}
	k8sResources struct {
		Requests map[string]string `yaml:"requests"`
	}
	k8sContainer struct {
		Name      string       `yaml:"name"`
		Image     string       `yaml:"image"`
		Command   []string     `yaml:"command"`
		Args      []string     `yaml:"args"`
		Env       []k8sEnv     `yaml:"env"`
		Resources k8sResources `yaml:"resources"`
		Mounts    []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
	}
	k8sEnv struct{ Name, Value string }
)

func readManifest(t *testing.T, name string) k8sObject {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../deploy/kubernetes", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var o k8sObject
	if err := dec.Decode(&o); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return o
}

// jobContainer checks what every Job of the manifests needs (a restart
// policy a Job takes, one container, the shared volume mounted) and
// returns the container and its mount path.
func jobContainer(t *testing.T, name string, job k8sObject, claim string) (k8sContainer, string) {
	t.Helper()
	pod := job.Spec.Template.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Metadata.Name == "" || pod.RestartPolicy != "Never" && pod.RestartPolicy != "OnFailure" || len(pod.Containers) != 1 {
		t.Fatalf("%s: %s %s %q, restart policy %q, %d containers; want a batch/v1 Job, Never or OnFailure, one container", name, job.APIVersion, job.Kind, job.Metadata.Name, pod.RestartPolicy, len(pod.Containers))
	}
	c := pod.Containers[0]
	if len(c.Mounts) != 1 || len(pod.Volumes) != 1 || c.Mounts[0].Name != pod.Volumes[0].Name || pod.Volumes[0].PersistentVolumeClaim.ClaimName != claim || c.Image == "" {
		t.Fatalf("%s: mounts %+v of volumes %+v, image %q; want the claim %s mounted", name, c.Mounts, pod.Volumes, c.Image, claim)
	}
	return c, c.Mounts[0].MountPath
}

// flagValue is the value of --name in args.
func flagValue(args []string, name string) string {
	i := slices.Index(args, "--"+name)
	if i < 0 || i+1 >= len(args) {
		return ""
	}
	return args[i+1]
}

// sandbox is a directory laid out as the shared volume (data/ and
// models/use-lite/ from the test data), and a directory with an evalrun
// on it that is this test binary.
func sandbox(t *testing.T, model string) (root, bin string) {
	t.Helper()
	root, bin = t.TempDir(), t.TempDir()
	data, _ := filepath.Abs("../../testdata/gsm8k40")
	abs, _ := filepath.Abs(model)
	os.MkdirAll(filepath.Join(root, "models"), 0o755)
	if err := errors.Join(os.Symlink(data, filepath.Join(root, "data")), os.Symlink(abs, filepath.Join(root, "models", "use-lite"))); err != nil {
		t.Fatal(err)
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nEVALRUN_TEST_MAIN=1 exec %q \"$@\"\n", os.Args[0])
	if err := os.WriteFile(filepath.Join(bin, "evalrun"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	return root, bin
}

// mustRun runs name as a process (runProcess); a failure reports its
// output.
func mustRun(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	out, errs, code, err := runProcess(env, name, args...)
	if err != nil || code != 0 {
		t.Errorf("%s %q: exit %d, %v\n%s%s", name, args, code, err, out, errs)
	}
}

// checkReport checks the report a deployment wrote: GSM8K's 40 questions
// replayed with random and the encoder.
func checkReport(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep eval.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if rep.Bench != "gsm8k" || rep.N != 40 || len(rep.Routers) != 2 || rep.Routers[0].Router != "random" || rep.Routers[1].Router != "encoder" {
		t.Errorf("%s: %s, %d requests, %d routers", path, rep.Bench, rep.N, len(rep.Routers))
	}
}

func TestDeployKubernetes(t *testing.T) {
	pvc := readManifest(t, "volume.yaml")
	if pvc.APIVersion != "v1" || pvc.Kind != "PersistentVolumeClaim" || !slices.Contains(pvc.Spec.AccessModes, "ReadWriteMany") || pvc.Spec.Resources.Requests["storage"] == "" {
		t.Fatalf("volume.yaml: %+v; want a ReadWriteMany PersistentVolumeClaim with a storage request", pvc)
	}
	score, report := readManifest(t, "score-job.yaml"), readManifest(t, "report-job.yaml")
	sc, mount := jobContainer(t, "score-job.yaml", score, pvc.Metadata.Name)
	rc, reportMount := jobContainer(t, "report-job.yaml", report, pvc.Metadata.Name)
	n := score.Spec.Completions
	env := map[string]string{}
	for _, e := range sc.Env {
		env[e.Name] = e.Value
	}
	if score.Spec.CompletionMode != "Indexed" || n < 1 || score.Spec.Parallelism < 1 || score.Spec.Parallelism > n || env["EDGEROUTE_SHARDS"] != strconv.Itoa(n) {
		t.Errorf("score-job.yaml: %s, %d completions, parallelism %d, EDGEROUTE_SHARDS %q; want an Indexed Job whose EDGEROUTE_SHARDS is its completions", score.Spec.CompletionMode, n, score.Spec.Parallelism, env["EDGEROUTE_SHARDS"])
	}
	if len(sc.Command) != 0 || len(sc.Args) == 0 || sc.Args[0] != "score" || flagValue(sc.Args, "shard") != "auto" || !strings.Contains(flagValue(sc.Args, "cache"), "$(JOB_COMPLETION_INDEX)") {
		t.Errorf("score-job.yaml: command %q, args %q; want the image's evalrun with score --shard auto and a cache per index", sc.Command, sc.Args)
	}
	for _, f := range []string{"data", "model", "cache"} {
		if v := flagValue(sc.Args, f); !strings.HasPrefix(v, mount+"/") {
			t.Errorf("score-job.yaml: --%s %q is not on the volume (%s)", f, v, mount)
		}
	}
	if rc.Image != sc.Image || reportMount != mount || !slices.Equal(rc.Command, []string{"sh", "-c"}) || len(rc.Args) != 1 {
		t.Fatalf("report-job.yaml: image %q, mount %s, command %q with %d args; want score-job.yaml's image and mount, sh -c SCRIPT", rc.Image, reportMount, rc.Command, len(rc.Args))
	}
	if testing.Short() {
		t.Skip("runs the jobs")
	}
	root, bin := sandbox(t, sharedModel(t, "use-lite"))
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			index := fmt.Sprintf("JOB_COMPLETION_INDEX=%d", k)
			var args []string
			for _, a := range sc.Args {
				args = append(args, strings.ReplaceAll(strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(k)), mount, root))
			}
			mustRun(t, []string{index, "EDGEROUTE_SHARDS=" + env["EDGEROUTE_SHARDS"], "EVALRUN_TEST_MAIN=1"}, os.Args[0], args...)
		}()
	}
	wg.Wait()
	mustRun(t, []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}, "sh", "-c", strings.ReplaceAll(rc.Args[0], mount, root))
	checkReport(t, filepath.Join(root, "results", "gsm8k-encoder.json"))
}

func TestDeploySlurm(t *testing.T) {
	b, err := os.ReadFile("../../deploy/slurm/score.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^#SBATCH --array=(\d+)-(\d+)$`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("score.sh: no #SBATCH --array=MIN-MAX line")
	}
	lo, _ := strconv.Atoi(m[1])
	hi, _ := strconv.Atoi(m[2])
	for _, s := range []string{"score.sh", "report.sh"} {
		if out, err := exec.Command("bash", "-n", filepath.Join("../../deploy/slurm", s)).CombinedOutput(); err != nil {
			t.Errorf("%s: %v: %s", s, err, out)
		}
	}
	if testing.Short() {
		t.Skip("runs the jobs")
	}
	root, bin := sandbox(t, sharedModel(t, "use-lite"))
	common := []string{"EDGEROUTE_DIR=" + root, "EVALRUN=" + filepath.Join(bin, "evalrun")}
	var wg sync.WaitGroup
	for id := lo; id <= hi; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mustRun(t, append([]string{fmt.Sprint("SLURM_ARRAY_TASK_ID=", id), fmt.Sprint("SLURM_ARRAY_TASK_MIN=", lo),
				fmt.Sprint("SLURM_ARRAY_TASK_MAX=", hi), fmt.Sprint("SLURM_ARRAY_TASK_COUNT=", hi-lo+1)}, common...), "bash", "../../deploy/slurm/score.sh")
		}()
	}
	wg.Wait()
	mustRun(t, common, "bash", "../../deploy/slurm/report.sh")
	checkReport(t, filepath.Join(root, "results", "gsm8k-encoder.json"))
}
