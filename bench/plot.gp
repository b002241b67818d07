# Per-layer chart of `q8rt bench --precision int8,fp32 --per-layer --csv FILE` (docs/performance.md, "Benchmarking int8 vs
# fp32"): top, the median time of each op for int8 and fp32 side by side; bottom, the fp32/int8 time ratio per op.
# Usage: gnuplot -e "csv='build/bench/results.csv'; png='build/bench/per_layer.png'; note='...'" bench/plot.gp
# (gnuplot-nox, pngcairo terminal). Column names come from the CSV header.
if (!exists("csv")) csv = 'build/bench/results.csv'
if (!exists("png")) png = 'build/bench/per_layer.png'
if (!exists("note")) note = ''

set datafile separator ','
stats csv using "int8_median_ms" name "I" nooutput
stats csv using "fp32_median_ms" name "F" nooutput
stats csv using "fp32_over_int8" name "R" nooutput
n = I_records

set terminal pngcairo size 1800,900 font 'sans,11' noenhanced
set output png
set multiplot title sprintf("q8rt, MobileNetV2 1.0 224 (%d ops): median time per op over alternating runs; sum int8 %.2f ms, fp32 %.2f ms%s", n, I_sum, F_sum, note)

# Top: clustered bars, one pair per op.
set lmargin 10
set rmargin 3
set origin 0, 0.36
set size 1, 0.60
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xrange [-0.7:n - 0.3]
set ylabel 'ms per op (median)'
set grid ytics
set key top right box opaque
set xtics rotate by 90 right font ',8' nomirror
set format x ''
label(c) = sprintf('%d %s %s', int(column('index')), strcol('kind'), strcol('output'))
plot csv using "int8_median_ms":xtic('') title 'int8' lc rgb '#1f77b4', \
     ''  using "fp32_median_ms" title 'fp32' lc rgb '#ff7f0e'

# Bottom: fp32/int8 per op (below 1: fp32 is faster), labelled with index, kind and output shape.
set origin 0, 0
set size 1, 0.38
set bmargin 9
unset title
set style data linespoints
set ylabel 'fp32 / int8 time'
set logscale y 2
set yrange [(R_min < 0.5 ? R_min : 0.5) / 1.5 : (R_max > 2 ? R_max : 2) * 1.5]
set format x '%g'
set key top left box opaque
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb '#555555'
plot csv using (column('index')):"fp32_over_int8":xtic(label(0)) title 'fp32/int8 time ratio' \
     pt 7 ps 0.8 lc rgb '#2ca02c'
unset multiplot
