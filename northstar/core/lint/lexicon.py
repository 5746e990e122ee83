"""The words the rules look for, per language. Verbs are listed in the forms key results are written in
(English imperative; Swedish infinitive and imperative); nouns as stems that match their inflections."""

from __future__ import annotations

from northstar.core.lint.model import Language
from northstar.core.lint.text import phrases

# A key result that starts with one of these says what the team will *do*.
ACTIVITY_VERBS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "hold run conduct implement launch build design communicate ship create develop deliver release "
        "publish write produce introduce deploy establish organise organize host hire recruit train complete "
        "finish finalise finalize migrate integrate redesign refactor rewrite document define draft prepare "
        "plan map audit evaluate assess research investigate test pilot send add upgrade replace automate "
        "install configure adopt start begin perform attend present prototype interview identify analyse "
        "analyze update translate set roll kick hold organise arrange schedule onboard migrate rebuild "
        "revamp overhaul standardise standardize formalise formalize write set-up setup introduce announce "
        "invest procure purchase buy open move launch rollout implementation introduction completion switch consolidate decommission retire sunset upgrade "
        "certify secure obtain acquire form appoint assign nominate recruit visit survey map outline "
        "brainstorm workshop gather collect compile draw craft establish coordinate facilitate distribute "
        "post share blog record film shoot print sign build-out roll-out do carry make finish get put "
        "deploy hire enable refresh renew relaunch rollout complete book digitise digitize sponsor exhibit "
        "apply commission categorise categorize reach-out call contact visit invite practise practice rehearse connect".split()
    ),
    "sv": frozenset(
        "genomföra genomför implementera lansera bygga bygg ta hålla håll införa inför kommunicera utveckla "
        "skapa leverera publicera skriva skriv skicka anordna arrangera organisera rekrytera anställa anställ "
        "utbilda slutföra slutför färdigställa färdigställ migrera integrera dokumentera definiera planera "
        "kartlägga kartlägg granska utvärdera undersöka undersök testa uppgradera ersätta ersätt automatisera "
        "installera konfigurera starta påbörja driftsätta driftsätt uppdatera översätta översätt designa "
        "sätta sätt rulla etablera upphandla köpa köp besöka besök intervjua presentera analysera identifiera "
        "byta byt flytta ordna delta bjuda tillsätta tillsätt digitalisera modernisera förnya producera "
        "formulera förbereda förbered utse erbjuda erbjud avveckla öppna samla utforma revidera certifiera "
        "fasa lägga lägg upprätta sammanställa sammanställ ta tag göra gör hålla införskaffa genomgå "
        "uppdatera ta-fram bygg-ut anordna arrangera filma spela dela posta boka planlägga kalla starta "
        "inrätta inrätt skapa standardisera strukturera paketera lansera omarbeta arbeta jobba se titta "
        "säkra förankra implementera ta fram sjösätta sjösätt skriv testa bjud koppla köra kör rita sponsra "
        "ställa ställ söka sök öva ringa ring kontakta mejla boka införande genomförande framtagande "
        "lansering lanseringen implementering uppstart utrullning digitalisering bokning kategorisera beställa beställ".split()
    ),
}

# Verbs that move a number: with a measure after them they open an outcome ("Höj kundnöjdheten från …").
DIRECTION_VERBS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "increase raise grow reduce cut lower decrease double halve triple keep maintain hold reach achieve "
        "improve boost lift shrink drop bring get sustain limit minimise minimize maximise maximize expand "
        "shorten speed accelerate lengthen stay remain retain win convert attract gain save".split()
    ),
    "sv": frozenset(
        "öka ök höj höja sänk sänka minska minsk halvera fördubbla behåll behålla håll hålla nå uppnå "
        "förbättra korta förkorta stärka stärk begränsa växa väx lyfta lyft bibehålla få vinna vinn "
        "spara attrahera konvertera tredubbla".split()
    ),
}

# A deliverable or an event the team produces.
DELIVERABLE_STEMS: dict[Language, tuple[str, ...]] = {
    "en": tuple(
        "plan process polic strateg dashboard tool system platform feature app website site campaign "
        "workshop training retrospective retro meeting report documentation guide pilot prototype survey "
        "programme program framework roadmap integration migration module api course post blog newsletter "
        "email webinar video podcast event session interview playbook handbook checklist template "
        "procedure routine pipeline monitoring alert test suite version release page portal crm erp "
        "infrastructure architecture repository library sdk chatbot bot form wiki onboarding-flow flow "
        "proof poc mvp backlog review audit analysis study assessment certification contract "
        "partnership office hackathon conference offsite kick-off kickoff presentation demo".split()
    ),
    "sv": tuple(
        "plan process polic strategi verktyg system plattform funktion app webbplats sajt kampanj workshop "
        "utbildning möte rapport dokumentation guide pilot prototyp enkät program ramverk integration "
        "migrering modul kurs rutin handbok nyhetsbrev blogg inlägg intervju webbinar film video podd event "
        "evenemang seminari checklista mall arbetssätt portal tjänst chattbot bot formulär wiki analys "
        "utredning förstudie granskning revision avtal samarbete konferens kickoff presentation demo "
        "övervakning larm test version release sida infrastruktur arkitektur kartläggning policy "
        "riktlinje ledningssystem introduktion träff frukostmöte mässa".split()
    ),
}

# "… launched", "… på plats": a deliverable reported as done.
DONE_WORDS: dict[Language, frozenset[tuple[str, ...]]] = {
    "en": phrases(
        "launched",
        "implemented",
        "completed",
        "complete",
        "live",
        "in place",
        "done",
        "delivered",
        "rolled out",
        "deployed",
        "shipped",
        "released",
        "published",
        "finished",
        "signed off",
        "set up",
        "up and running",
        "in production",
        "went live",
        "go live",
        "go-live",
        "established",
        "approved",
        "created",
        "built",
        "introduced",
        "migrated",
        "decommissioned",
        "documented",
        "held",
        "conducted",
    ),
    "sv": phrases(
        "lanserad",
        "lanserat",
        "lanserade",
        "genomförd",
        "genomfört",
        "genomförda",
        "införd",
        "infört",
        "införda",
        "klar",
        "klart",
        "klara",
        "på plats",
        "driftsatt",
        "driftsatta",
        "levererad",
        "levererat",
        "levererade",
        "implementerad",
        "implementerat",
        "implementerade",
        "färdig",
        "färdigt",
        "färdiga",
        "i drift",
        "i produktion",
        "publicerad",
        "publicerat",
        "publicerade",
        "framtagen",
        "framtaget",
        "framtagna",
        "beslutad",
        "beslutat",
        "godkänd",
        "godkänt",
        "upphandlad",
        "upphandlat",
        "etablerad",
        "etablerat",
        "skapad",
        "skapat",
        "byggd",
        "byggt",
        "migrerad",
        "migrerat",
        "avvecklad",
        "avvecklat",
        "dokumenterad",
        "dokumenterat",
        "uppdaterad",
        "uppdaterat",
        "satt i drift",
        "tagits fram",
        "har genomförts",
        "har införts",
        "har lanserats",
    ),
}

# Words for something measured about people, money, time or quality.
METRIC_STEMS: dict[Language, tuple[str, ...]] = {
    "en": tuple(
        "rate churn retention conversion nps csat enps ces revenue arr mrr margin cost uptime availability "
        "latency response satisfaction share average median mean score ratio percentage growth profit "
        "ebit sales turnover spend cac ltv engagement adoption usage active users customers subscribers "
        "visitors traffic leads signups sign-ups bookings orders basket aov tickets complaints defects "
        "incidents outages errors bugs downtime mttr mttd lead-time cycle throughput velocity yield "
        "accuracy utilisation utilization occupancy attendance turnover absence sick wait queue backlog "
        "delay delays on-time punctuality return returns refund refunds frequency volume market "
        "penetration reach ctr open click bounce abandonment renewal renewals upsell expansion headcount "
        "loss losses waste emissions co2 energy consumption days minutes hours seconds weeks rating ratings "
        "stars level".split()
    ),
    "sv": tuple(
        "andel nöjd kundnöjd nps csat enps intäkt omsättning marginal kostnad tillgänglighet svarstid "
        "ledtid väntetid handläggningstid genomsnitt median snitt tid poäng betyg tillväxt vinst "
        "försäljning konvertering kundbortfall bortfall churn tapp lojalitet återkommande aktiva användare "
        "kunder prenumerant besökare trafik leads bokning order beställning ärende klagomål reklamation "
        "fel incident avbrott driftstörning stillestånd upptid drifttid fel precision beläggning "
        "närvaro frånvaro sjukfrånvaro personalomsättning kö leverans leveransprecision punktlighet "
        "retur frekvens volym marknadsandel räckvidd öppningsgrad klickfrekvens förnyelse merförsäljning "
        "utsläpp energi förbrukning dagar minuter timmar sekunder veckor grad engagemang nyttjande "
        "användning svar lösta löst medarbetarnöjdhet kundnöjdhet rekommendation kronor kr sek mkr "
        "miljoner tkr antal".split()
    ),
}

# "from 6 to 2", "at least 95 %": a measure with a direction.
COMPARATORS: dict[Language, frozenset[tuple[str, ...]]] = {
    "en": phrases(
        "at least",
        "at most",
        "below",
        "above",
        "under",
        "over",
        "less than",
        "more than",
        "fewer than",
        "no more than",
        "no less than",
        "or more",
        "or less",
        "or better",
        "or fewer",
        "up to",
        "to",
        "by",
        "within",
        "per",
        "out of",
        "of",
    ),
    "sv": phrases(
        "minst",
        "högst",
        "under",
        "över",
        "mindre än",
        "mer än",
        "fler än",
        "färre än",
        "max",
        "maximalt",
        "minimum",
        "eller mer",
        "eller mindre",
        "eller fler",
        "eller färre",
        "till",
        "med",
        "inom",
        "per",
        "av",
        "på",
    ),
}
# comparators that can open a key result as a threshold ("At most 1 in 20 releases…", "Minst 95 % …")
OPENING_COMPARATORS = frozenset(
    "at below above under over less more fewer no minst högst över mindre mer fler färre max maximalt "
    "minimum".split()
)
# phrasal verbs whose first word alone would read as a direction ("reach" a target)
ACTIVITY_PHRASES: dict[Language, frozenset[tuple[str, ...]]] = {
    "en": phrases("reach out", "get in touch", "follow up"),
    "sv": phrases("nå ut", "höra av", "följa upp", "följ upp", "gå igenom", "gå ut"),
}
# after a number: "4.6 or higher", "95 % eller mer"
AFTER_COMPARATORS = (
    "or higher", "or more", "or above", "or better", "or fewer", "or less", "or lower", "or below",
    "eller högre", "eller mer", "eller fler", "eller bättre", "eller färre", "eller mindre", "eller lägre",
)  # fmt: skip
# "of"/"av" after an opening word makes it a noun ("Share of deliveries…"), not a verb
OF: dict[Language, str] = {"en": "of", "sv": "av"}
# …except for the nouns that name an activity ("Launch of…", "Införande av…")
ACTIVITY_NOUNS = frozenset(
    "launch rollout roll-out implementation introduction completion migration creation development "
    "publication redesign rebuild installation deployment införande införandet genomförande framtagande "
    "framtagning lansering lanseringen implementering implementeringen uppstart utrullning digitalisering "
    "migrering etablering upphandling utveckling".split()
)
FROM_TO: dict[Language, tuple[str, str]] = {"en": ("from", "to"), "sv": ("från", "till")}

UNIT_WORDS = (
    "%", "€", "$", "£", "kr", "sek", "eur", "usd", "ms", "s", "min", "h", "minutes", "minuter", "hours",
    "timmar", "days", "dagar", "seconds", "sekunder", "weeks", "veckor", "pp", "procent", "percent",
    "procentenheter", "points", "poäng", "stars", "stjärnor", "k", "m", "mkr", "msek", "tkr",
)  # fmt: skip

# Words that soften a promise; without a number they leave nothing to measure.
HEDGES: dict[Language, frozenset[tuple[str, ...]]] = {
    "en": phrases(
        "try to",
        "try and",
        "aim to",
        "attempt to",
        "strive to",
        "strive for",
        "hope to",
        "hopefully",
        "work on",
        "work towards",
        "work toward",
        "look into",
        "as much as possible",
        "where possible",
        "if possible",
        "improve",
        "improved",
        "better",
        "optimise",
        "optimize",
        "enhance",
        "boost",
        "strengthen",
        "more",
        "significantly",
        "substantially",
        "best-in-class",
        "world-class",
        "world class",
        "focus on",
        "explore",
        "consider",
        "continue to",
    ),
    "sv": phrases(
        "försöka",
        "försök",
        "sträva efter",
        "sträva",
        "arbeta för",
        "arbeta med",
        "jobba på",
        "jobba med",
        "i möjligaste mån",
        "om möjligt",
        "så mycket som möjligt",
        "förbättra",
        "förbättrad",
        "förbättrat",
        "bättre",
        "optimera",
        "effektivisera",
        "stärka",
        "utveckla",
        "mer",
        "fler",
        "väsentligt",
        "betydligt",
        "i världsklass",
        "fokusera på",
        "undersöka",
        "se över",
        "fortsätta",
    ),
}

# An objective of only these words (or words that start with them) says nothing.
VAGUE_STEMS: dict[Language, tuple[str, ...]] = {
    "en": tuple(
        "be become get do make improv better best good great thing stuff business work more everything grow "
        "develop our the a an we us it all overall general continu keep stay performance result success "
        "excellen quality efficien effective progress going forward next level further optimi enhance "
        "strengthen increase boost win focus on in and of to for with operation organi company team process "
        "customer product service smart hard year great move ahead deliver value step up raise bar "
        "transform innovat modern".split()
    ),
    "sv": tuple(
        "bli vara få göra förbättr bättre bäst bra god goda sak allt verksamhet arbet mer utveckl växa "
        "tillväxt vår vårt våra vi oss den det de en ett fortsätt hålla resultat framgång kvalitet effektiv "
        "framsteg nästa nivå vidare optimer stärk öka fokus på i och av att för med organisation företag "
        "team bolag process kund produkt tjänst smart jobba ha år satsa framåt leverera värde steg lyft "
        "förnya modern innover".split()
    ),
}
MOST_VAGUE_WORDS = 5  # a longer objective usually says something, even in general words

STOPWORDS: dict[Language, frozenset[str]] = {
    "en": frozenset(
        "a an the to of for from in on at by with and or our we us all every each per than by its their "
        "this that be is are will".split()
    ),
    "sv": frozenset(
        "en ett den det de till av för från i på med och eller vår vårt våra vi alla varje per än att "
        "som är ska blir".split()
    ),
}

# words opening a key result before its verb ("We will launch…", "Vi ska lansera…")
LEAD_INS: dict[Language, frozenset[tuple[str, ...]]] = {
    "en": phrases("we will", "we", "will", "to", "kr", "key result", "successfully", "fully"),
    "sv": phrases("vi ska", "vi", "ska", "att", "kr", "nyckelresultat", "framgångsrikt"),
}
