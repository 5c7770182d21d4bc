#include "hdf5_join.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <system_error>

#include <nlohmann/json.hpp>

#include "dataset_stats.hpp"
#include "hdf5_appender.hpp"
#include "hdf5_pieces.hpp"
#include "hdf5_reader.hpp"
#include "hdf5_run_record.hpp"
#include "raserflow/error.hpp"
#include "raserflow/output_file.hpp"

namespace raserflow::io {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// One shard file, read for joining.
struct Shard {
  fs::path path;
  std::unique_ptr<Hdf5Reader> reader;
  Json run;  // `run` attribute
  std::int64_t index = 0, count = 0;
  std::vector<std::int64_t> items;  // item_index
  std::vector<Column> columns;      // empty for a file without rows
};

std::string name(const Shard& s) {
  return s.path.string();
}

std::string describe(const Column& c) {
  return std::string(dtype_name(c.dtype)) + " " + shape_string(c.shape);
}

std::string show(const Json& j, const std::string& pointer) {
  const Json::json_pointer p(pointer);
  return j.contains(p) ? j.at(p).dump() : std::string("absent");
}

// The first difference between two runs, as "seed: 11 in A, 3 in B".
std::string difference(const Shard& a, const Shard& b, const Json& ra, const Json& rb) {
  const auto patch = Json::diff(ra, rb);
  std::string where = patch.empty() ? "" : patch.front()["path"].get<std::string>();
  // The whole value that differs, not the first character of a string or element of a list.
  const auto same_kind = [&](const std::string& ptr) {
    const Json::json_pointer p(ptr);
    return ra.contains(p) && rb.contains(p);
  };
  while (!where.empty() && !same_kind(where)) where = where.substr(0, where.rfind('/'));
  if (where.empty() && !patch.empty()) where = patch.front()["path"].get<std::string>();
  std::string key = where.empty() ? "run" : where.substr(1);
  std::replace(key.begin(), key.end(), '/', '.');
  return key + ": " + show(ra, where) + " in " + name(a) + ", " + show(rb, where) + " in " +
         name(b);
}

Shard open_shard(const fs::path& path) {
  Shard s{path, std::make_unique<Hdf5Reader>(path), {}, 0, 0, {}, {}};
  const auto& r = *s.reader;
  if (!r.has_attribute("run"))
    throw Error(name(s) +
                " has no `run` attribute saying which run and shard it holds (written by an "
                "io.hdf5 older than this one, or by another writer), so it cannot be joined");
  const auto text = r.strings("run");
  s.run = Json::parse(text.empty() ? std::string() : text.front(), nullptr, false);
  if (s.run.is_discarded() || !s.run.is_object() || !s.run.contains("shard") ||
      !s.run["shard"]["index"].is_number_integer() || !s.run["shard"]["count"].is_number_integer())
    throw Error(name(s) + ": its `run` attribute does not name a shard");
  s.index = s.run["shard"]["index"].get<std::int64_t>();
  s.count = s.run["shard"]["count"].get<std::int64_t>();
  if (!r.has_dataset("item_index")) throw Error(name(s) + " has no item_index dataset");
  const Column index{"item_index", DType::int64, {}};
  if (r.column("item_index") != index) throw Error(name(s) + ": item_index is not int64 [rows]");
  const auto rows = r.dims("item_index").at(0);
  s.items.resize(static_cast<std::size_t>(rows));
  if (rows > 0) r.read_rows(index, 0, rows, s.items.data());
  for (std::size_t i = 1; i < s.items.size(); ++i)
    if (s.items[i] <= s.items[i - 1])
      throw Error(name(s) + ": item_index is not in item order (item " +
                  std::to_string(s.items[i]) + " after item " + std::to_string(s.items[i - 1]) +
                  ")");
  const auto fields = r.strings("fields");
  for (const auto& d : r.datasets())
    if (d != "item_index" && std::find(fields.begin(), fields.end(), d) == fields.end())
      throw Error(name(s) + " holds the dataset '" + d +
                  "', which is no field of one row per item; the join does not know how to "
                  "combine it");
  if (rows > 0)
    for (const auto& f : fields) {
      if (!r.has_dataset(f)) throw Error(name(s) + " lists field '" + f + "' but has no dataset");
      if (r.dims(f).at(0) != rows)
        throw Error(name(s) + ": dataset '" + f + "' has " + std::to_string(r.dims(f).at(0)) +
                    " rows but item_index " + std::to_string(rows));
      s.columns.push_back(r.column(f));
    }
  return s;
}

// Every file is a different shard of the same run, and together they are all of its shards.
void check_same_run(const std::vector<Shard>& shards) {
  const auto& first = shards.front();
  auto without_shard = [](Json run) {
    run.erase("shard");
    return run;
  };
  const auto run0 = without_shard(first.run);
  for (const auto& s : shards) {
    if (s.count != first.count)
      throw Error(name(first) + " is shard " + std::to_string(first.index) + "/" +
                  std::to_string(first.count) + " but " + name(s) + " is shard " +
                  std::to_string(s.index) + "/" + std::to_string(s.count) +
                  ": they come from runs split in different ways");
    if (const auto run = without_shard(s.run); run != run0)
      throw Error(name(first) + " and " + name(s) +
                  " come from different runs: " + difference(first, s, run0, run));
    if (s.reader->strings("fields") != first.reader->strings("fields"))
      throw Error(name(first) + " and " + name(s) + " store different fields");
  }
  std::map<std::int64_t, const Shard*> by_index;
  for (const auto& s : shards)
    if (const auto [it, fresh] = by_index.emplace(s.index, &s); !fresh)
      throw Error(name(*it->second) + " and " + name(s) + " are both shard " +
                  std::to_string(s.index) + "/" + std::to_string(s.count));
  std::string missing;
  for (std::int64_t k = 0; k < first.count; ++k)
    if (!by_index.count(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw Error("the run has " + std::to_string(first.count) + " shards, but shard" +
                (missing.find(',') == std::string::npos ? " " : "s ") + missing + " of " +
                std::to_string(first.count) +
                (missing.find(',') == std::string::npos ? " is" : " are") +
                " not among the files given");
  const Shard* layout = nullptr;
  for (const auto& s : shards) {
    if (s.columns.empty()) continue;
    if (!layout) {
      layout = &s;
      continue;
    }
    for (std::size_t f = 0; f < s.columns.size(); ++f)
      if (s.columns[f] != layout->columns[f])
        throw Error("field '" + s.columns[f].name + "' is " + describe(layout->columns[f]) +
                    " per item in " + name(*layout) + " but " + describe(s.columns[f]) + " in " +
                    name(s));
  }
}

// For each row of the union, in item order, the shard it comes from; throws when two shards
// hold the same item.
std::vector<std::size_t> merge(const std::vector<Shard>& shards, std::vector<std::int64_t>& items) {
  using Head = std::pair<std::int64_t, std::size_t>;  // next item of a shard, the shard
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  std::vector<std::size_t> next(shards.size(), 0), from;
  for (std::size_t s = 0; s < shards.size(); ++s)
    if (!shards[s].items.empty()) heads.emplace(shards[s].items.front(), s);
  std::size_t previous = 0;
  while (!heads.empty()) {
    const auto [item, s] = heads.top();
    heads.pop();
    if (!items.empty() && items.back() == item)
      throw Error("item " + std::to_string(item) + " is in both " + name(shards[previous]) +
                  " and " + name(shards[s]));
    items.push_back(item);
    from.push_back(s);
    previous = s;
    if (++next[s] < shards[s].items.size()) heads.emplace(shards[s].items[next[s]], s);
  }
  return from;
}

// The union's rows, copied block by block: for each block, the rows each shard gives are
// consecutive in that shard, so each is one read per dataset, then placed in item order.
void copy_rows(const std::vector<Shard>& shards, const std::vector<Column>& columns,
               const std::vector<std::size_t>& from, const std::vector<std::int64_t>& items,
               Hdf5Appender& out) {
  std::vector<std::size_t> row_bytes;
  for (const auto& c : columns)
    row_bytes.push_back(static_cast<std::size_t>(Array::element_count(c.shape)) *
                        dtype_size(c.dtype));
  auto all = row_bytes;
  all.push_back(sizeof(std::int64_t));
  const auto block = block_rows(all);
  const auto total = static_cast<std::int64_t>(from.size());
  std::vector<std::int64_t> first(shards.size(), 0);  // next row to read of each shard
  std::vector<std::vector<char>> staged(shards.size()), rows(columns.size());
  for (std::int64_t start = 0; start < total; start += block) {
    const auto n = std::min(block, total - start);
    std::vector<std::int64_t> take(shards.size(), 0);
    for (auto k = start; k < start + n; ++k) ++take[from[static_cast<std::size_t>(k)]];
    for (std::size_t d = 0; d < columns.size(); ++d) {
      for (std::size_t s = 0; s < shards.size(); ++s) {
        staged[s].resize(static_cast<std::size_t>(take[s]) * row_bytes[d]);
        if (take[s] > 0)
          shards[s].reader->read_rows(columns[d], first[s], take[s], staged[s].data());
      }
      rows[d].resize(static_cast<std::size_t>(n) * row_bytes[d]);
      std::vector<std::size_t> used(shards.size(), 0);
      for (std::int64_t k = 0; k < n; ++k) {
        const auto s = from[static_cast<std::size_t>(start + k)];
        std::copy_n(staged[s].data() + used[s]++ * row_bytes[d], row_bytes[d],
                    rows[d].data() + static_cast<std::size_t>(k) * row_bytes[d]);
      }
      out.append_rows(d, n, rows[d].data());
    }
    out.append_rows(columns.size(), n, items.data() + start);
    for (std::size_t s = 0; s < shards.size(); ++s) first[s] += take[s];
  }
}

// The deflate level the shards were written with (io.hdf5's `compression` parameter).
int compression_of(const Shard& s) {
  if (!s.reader->has_attribute("parameters")) return 0;
  const auto text = s.reader->strings("parameters");
  const auto j = Json::parse(text.empty() ? std::string() : text.front(), nullptr, false);
  return j.is_object() && j.contains("compression") && j["compression"].is_number_integer()
             ? j["compression"].get<int>()
             : 0;
}

// A root attribute as stored: text (one string, or a list) or an int64.
struct Attribute {
  std::vector<std::string> text;
  std::optional<std::int64_t> number;
  bool list = false;
  bool operator==(const Attribute&) const = default;
};

Attribute read_attribute(const Hdf5Reader& r, const std::string& attribute) {
  try {
    auto text = r.strings(attribute);
    const bool list = text.size() != 1 || attribute == "fields";
    return {std::move(text), std::nullopt, list};
  } catch (const Error&) {
    return {{}, r.int64(attribute), false};
  }
}

std::vector<Attribute> each_shard(const std::vector<Shard>& shards, const std::string& attribute) {
  std::vector<Attribute> out;
  for (const auto& s : shards) {
    if (!s.reader->has_attribute(attribute))
      throw Error(name(shards.front()) + " has the attribute '" + attribute + "' but " + name(s) +
                  " has not");
    out.push_back(read_attribute(*s.reader, attribute));
  }
  return out;
}

std::int64_t number(const Attribute& a, const std::string& attribute) {
  if (!a.number) throw Error("attribute '" + attribute + "' is not an integer");
  return *a.number;
}

Json json(const Attribute& a, const std::string& attribute) {
  auto j = Json::parse(a.text.size() == 1 ? a.text.front() : std::string(), nullptr, false);
  if (j.is_discarded()) throw Error("attribute '" + attribute + "' is not JSON text");
  return j;
}

// Item indices of every shard, in item order.
std::vector<std::int64_t> merged(const std::vector<Json>& lists) {
  std::vector<std::int64_t> all;
  for (const auto& l : lists)
    for (const auto& i : l) all.push_back(i.get<std::int64_t>());
  std::sort(all.begin(), all.end());
  return all;
}

// io.hdf5's `manifest` attribute (lib/hdf5_run_record.hpp) of the whole run: shard 0's, with
// the items asked for and done summed, drops merged, and the shard of a single process.
Json whole_run_manifest(const std::vector<Json>& shards) {
  Json m = shards.front();
  if (!m.is_object()) throw Error("attribute 'manifest' is not a JSON object");
  std::int64_t requested = 0, done = 0;
  std::map<std::string, std::vector<Json>> dropped;
  bool complete = true;
  for (const auto& s : shards) {
    const auto& items = s.contains("items") ? s["items"] : Json();
    if (!items.is_object() || !items.value("requested", Json()).is_number_integer() ||
        !items.value("done", Json()).is_number_integer())
      throw Error("attribute 'manifest' has no item counts");
    requested += items["requested"].get<std::int64_t>();
    done += items["done"].get<std::int64_t>();
    if (items.contains("dropped"))
      for (const auto& [node, list] : items["dropped"].items()) dropped[node].push_back(list);
    complete = complete && s.value("status", "") == "complete";
  }
  m["status"] = complete ? "complete" : "stopped";
  if (m.contains("shard")) m["shard"] = {{"index", 0}, {"count", 1}};
  m["items"]["requested"] = requested;
  m["items"]["done"] = done;
  if (m["items"].contains("dropped")) {
    Json drops = Json::object();
    for (const auto& [node, lists] : dropped) drops[node] = merged(lists);
    m["items"]["dropped"] = drops;
  }
  return m;
}

// The union's root attributes, the whole run's: what counts or lists a shard's items is
// combined, and every other attribute describes the run, so it must be the same in every shard.
std::vector<std::pair<std::string, Attribute>> whole_run_attributes(
    const std::vector<Shard>& shards, std::int64_t rows, bool complete, const fs::path& out) {
  std::vector<std::pair<std::string, Attribute>> result;
  for (const auto& attribute : shards.front().reader->attributes()) {
    const auto values = each_shard(shards, attribute);
    Attribute a = values.front();
    if (attribute == "items_requested" || attribute == "items_done") {
      std::int64_t total = 0;
      for (const auto& v : values)
        total = number(v, attribute) < 0 || total < 0 ? -1 : total + *v.number;
      a.number = total;  // -1: open-ended
    } else if (attribute == "items_held") {
      a.number = rows;
    } else if (attribute == "complete") {
      a.number = complete ? 1 : 0;
    } else if (attribute == "run") {
      auto run = shards.front().run;
      run["shard"] = {{"index", 0}, {"count", 1}};
      a.text = {run.dump()};
    } else if (attribute == "joined_from") {
      continue;  // the shards are themselves unions: written below, as for any union
    } else if (attribute.starts_with("counts_")) {
      ValueCounts total;
      for (const auto& v : values)
        for (const auto& [value, n] : parse_counts(json(v, attribute).dump())) total[value] += n;
      a.text = {counts_json(total)};
    } else if (attribute == "dropped") {
      std::vector<Json> lists;
      for (const auto& v : values) lists.push_back(json(v, attribute));
      a.text = {nlohmann::json(merged(lists)).dump()};
    } else if (attribute == "pipeline") {
      // Where the pipeline file lay and its checkout's revision may differ between the tasks
      // of one job array (another node, another clone); what the pipeline says may not.
      const auto what_it_says = [&](const Attribute& v) {
        auto j = json(v, attribute);
        if (j.is_object()) {
          j.erase("file");
          j.erase("git_revision");
        }
        return j;
      };
      for (std::size_t k = 1; k < values.size(); ++k)
        if (what_it_says(values[k]) != what_it_says(a))
          throw Error("attribute 'pipeline' differs between " + name(shards.front()) + " and " +
                      name(shards[k]) + ": they ran different pipelines");
    } else if (attribute == "manifest") {
      std::vector<Json> manifests;
      for (const auto& v : values) manifests.push_back(json(v, attribute));
      a.text = {whole_run_manifest(manifests).dump()};
    } else {
      for (std::size_t k = 1; k < values.size(); ++k)
        if (!(values[k] == a))
          throw Error("attribute '" + attribute + "' differs between " + name(shards.front()) +
                      " and " + name(shards[k]) + ", which should describe one run");
    }
    result.emplace_back(attribute, std::move(a));
  }
  std::vector<std::string> joined_from;
  const auto folder = fs::absolute(out).parent_path();
  for (const auto& s : shards)
    joined_from.push_back(fs::absolute(s.path).lexically_relative(folder).string());
  result.emplace_back("joined_from", Attribute{joined_from, std::nullopt, true});
  return result;
}

}  // namespace

std::string run_attribute(const std::string& manifest, const fs::path& output_dir) {
  // The manifest as io.hdf5 keeps it, its paths in the output folder made "<out>/...".
  const auto record = run_record(manifest, output_dir);
  auto m = Json::parse(record.manifest, nullptr, false);
  if (m.is_discarded() || !m.is_object()) return {};
  auto& pipeline = m["pipeline"];
  Json plugins = Json::object();
  for (auto& p : m["plugins"])
    if (p.is_object()) plugins[p.value("name", "")] = p["version"];
  const Json run{{"pipeline", pipeline["name"]}, {"items", pipeline["items"]},
                 {"seed", pipeline["seed"]},     {"raserflow", m["raserflow"]["version"]},
                 {"plugins", plugins},           {"nodes", pipeline["nodes"]},
                 {"edges", pipeline["edges"]},   {"shard", m["shard"]}};
  return run.dump();
}

JoinSummary join_shard_files(const std::vector<fs::path>& paths, const fs::path& out) {
  if (paths.empty()) throw Error("no shard files to join");
  std::vector<Shard> shards;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) throw Error("shard file " + p.string() + " does not exist");
    if (fs::equivalent(p, out, ec))
      throw Error(out.string() + " is one of the shard files; the union needs a file of its own");
    shards.push_back(open_shard(p));
  }
  check_same_run(shards);
  std::sort(shards.begin(), shards.end(), [](auto& a, auto& b) { return a.index < b.index; });

  std::vector<std::int64_t> items;
  const auto from = merge(shards, items);
  std::vector<Column> columns;
  for (const auto& s : shards)
    if (!s.columns.empty()) {
      columns = s.columns;
      break;
    }

  JoinSummary summary{static_cast<std::int64_t>(shards.size()),
                      static_cast<std::int64_t>(items.size()), true};
  for (const auto& s : shards)
    summary.complete =
        summary.complete && s.reader->has_attribute("complete") && s.reader->int64("complete") == 1;
  const auto attributes = whole_run_attributes(shards, summary.rows, summary.complete, out);

  OutputFile file(out);
  {
    Hdf5Appender union_file(file.temp_path(), compression_of(shards.front()));
    for (const auto& [attribute, a] : attributes) {
      if (a.number)
        union_file.set_attribute(attribute, *a.number);
      else if (a.list)
        union_file.set_attribute(attribute, a.text);
      else
        union_file.set_attribute(attribute, a.text.front());
    }
    if (!columns.empty()) {
      union_file.define(columns);
      copy_rows(shards, columns, from, items, union_file);
    }
    union_file.close();
  }
  file.commit();
  return summary;
}

}  // namespace raserflow::io
