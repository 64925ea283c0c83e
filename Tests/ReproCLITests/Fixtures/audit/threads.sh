# A stand-in for a training script whose log depends on its thread count, for AuditCommandTests:
# writes log.csv (step,loss for steps 0-5), in which every loss from step 3 on is 0.5 when
# OMP_NUM_THREADS is 1 and 0.25 otherwise (unset included), and counts.txt, which depends on nothing.
printf 'step,loss\n' > log.csv
for step in 0 1 2 3 4 5; do
    if [ "$step" -ge 3 ] && [ "${OMP_NUM_THREADS:-}" = 1 ]; then loss=0.5; else loss=0.25; fi
    printf '%s,%s\n' "$step" "$loss" >> log.csv
done
printf '1 2 3\n' > counts.txt
